/*
 * thermal_solve.c — RF microneedling on a local sub-grid (MODEL.md §5.4):
 * the electric potential, its Joule heating, the Pennes bioheat equation
 * through the pulse and the cooling, and the Arrhenius integrals.
 *
 * Grid.  A rectilinear box, cell-centred finite volumes, graded from h near
 * the needles, their conducting tips and the epidermis to h_max far away
 * (spacing h + grow x distance): a 3-D box at a uniform 10 µm would need
 * millions of cells for a pair 1.4 mm apart; graded, a quarter box holds
 * ~2e5.  The needle is the set of cells whose centres lie inside it; the
 * spacing near it must not exceed its radius (checked).
 *
 * Potential.  ∇·(σ∇φ) = 0 with σ by layer.  Conducting needle cells are
 * equipotential (Dirichlet); insulated shaft cells and the skin surface
 * carry no current.  Bipolar: +1/2 and -1/2 V on the pair, the mid-plane
 * x = 0 is then the 0 V equipotential (solved: x >= 0 with φ = 0 there).
 * Monopolar: 1 V on the needle, 0 V on the far sides of the box (the return
 * pad is far away).  Face conductances are harmonic means of the two half
 * cells; a face to an electrode has only the tissue half.  The system is
 * symmetric positive definite: conjugate gradients with a Jacobi
 * preconditioner, dot products summed plane by plane in a fixed order (the
 * same numbers for any thread count).
 *
 * Joule heating.  Each face dissipates I²/G; the share of each half cell is
 * I² times its own resistance, so the heat is put where the resistance is
 * and its sum equals the power the electrodes deliver (Σ φ_e I_e).
 *
 * Bioheat.  ρc ∂T/∂t = ∇·(k∇T) + ω_b ρ_b c_b (T_a - T) + q; convective skin
 * surface (h_conv to T_amb), T_a at the deep face, zero flux on the sides and
 * symmetry planes.  Perfusion only in the dermis and fat (the epidermis has
 * no vessels).  The needle is stainless steel during the pulse; it is
 * withdrawn at the pulse's end and its cells become tissue at the
 * temperature they have (the channel closes).  Backward Euler in time,
 * split by the Douglas ADI scheme (one implicit Thomas sweep per direction,
 * MODEL.md §7's "Crank–Nicolson/ADI" in its backward-Euler form):
 * unconditionally stable, no ringing at the pulse's discontinuities, exact
 * at a steady state and conservative, so the energy ledger closes to
 * round-off: deposited = held + perfusion + surface + deep + needle.  The
 * initial temperature is the steady 1-D profile of the layers (the skin
 * surface cooler than the core).
 *
 * Arrhenius.  Omega += (r(T_old) + r(T_new))/2 dt per step, rates in log
 * space, for cell death (A_cell, Ea_cell) and collagen denaturation (A_coll,
 * Ea_coll); the channel's cells accumulate too (the tissue that closes it).
 */
#include "thermal.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

static void subgrid_free(scar_subgrid *g)
{
    free(g->x);
    free(g->y);
    free(g->z);
    memset(g, 0, sizeof *g);
}

/* ---- grid ---------------------------------------------------------------- */

/* Distance from x to the nearest of nf intervals [lo, hi] (0 inside). */
static double fine_dist(double x, const double (*fine)[2], size_t nf)
{
    double d = INFINITY;
    for (size_t q = 0; q < nf; q++) {
        double e = x < fine[q][0] ? fine[q][0] - x : x > fine[q][1] ? x - fine[q][1] : 0.0;
        if (e < d)
            d = e;
    }
    return d;
}

static double spacing(const scar_rf_spec *s, double x, const double (*fine)[2], size_t nf)
{
    double h = s->h_mm + s->grow * fine_dist(x, fine, nf);
    return h < s->h_max_mm ? h : s->h_max_mm;
}

/* Edges of a graded axis from 0 to the first edge at or beyond end. */
static scar_status half_axis(scar_ctx *ctx, const scar_rf_spec *s, const double (*fine)[2],
                             size_t nf, double end, double **edges, size_t *ncells)
{
    size_t cap = 64, n = 0;
    double *e = scar_malloc(ctx, cap * sizeof *e);
    if (!e)
        return SCAR_ENOMEM;
    e[0] = 0.0;
    while (e[n] < end - 1e-12) {
        if (n + 2 > cap) {
            double *m = scar_realloc(ctx, e, 2 * cap * sizeof *e);
            if (!m) {
                free(e);
                return SCAR_ENOMEM;
            }
            e = m;
            cap *= 2;
        }
        /* the spacing where the cell starts, or where it would end if that
         * is nearer a fine zone: a cell never overshoots into one */
        double h1 = spacing(s, e[n], fine, nf), h2 = spacing(s, e[n] + h1, fine, nf);
        e[n + 1] = e[n] + (h1 < h2 ? h1 : h2);
        n++;
    }
    *edges = e;
    *ncells = n;
    return SCAR_OK;
}

/* A half axis, or mirrored about 0 into a whole one. */
static scar_status axis(scar_ctx *ctx, const scar_rf_spec *s, const double (*fine)[2], size_t nf,
                        double end, bool mirror, double **edges, size_t *ncells)
{
    double *h = NULL;
    size_t n = 0;
    scar_status st = half_axis(ctx, s, fine, nf, end, &h, &n);
    if (st || !mirror) {
        *edges = h;
        *ncells = n;
        return st;
    }
    double *e = scar_malloc(ctx, (2 * n + 1) * sizeof *e);
    if (!e) {
        free(h);
        return SCAR_ENOMEM;
    }
    for (size_t i = 0; i <= n; i++) {
        e[n + i] = h[i];
        e[n - i] = -h[i];
    }
    free(h);
    *edges = e;
    *ncells = 2 * n;
    return SCAR_OK;
}

/* Needle radius at depth z (0 outside the needle). */
static double needle_radius(const scar_rf_spec *s, double z)
{
    if (z < 0.0 || z > s->depth_mm)
        return 0.0;
    double cone = s->cone_mm < s->depth_mm ? s->cone_mm : s->depth_mm;
    double cyl = s->depth_mm - cone;
    return z <= cyl || cone <= 0.0 ? s->radius_mm : s->radius_mm * (s->depth_mm - z) / cone;
}

static scar_status build_grid(scar_ctx *ctx, scar_rf_field *f)
{
    const scar_rf_spec *s = &f->spec;
    scar_subgrid *g = &f->g;
    double r = s->radius_mm, w = s->fine_mm;
    f->pin_x_mm = s->bipolar ? 0.5 * s->pair_mm : 0.0;
    double fx[1][2] = {{f->pin_x_mm - r - w, f->pin_x_mm + r + w}};
    double fy[1][2] = {{0.0, r + w}};
    double hot_top = s->insulated ? s->depth_mm - s->tip_mm - w : 0.0;
    double fz[2][2] = {{0.0, s->h_e_mm + 0.5 * w}, {hot_top, s->depth_mm + w}};
    scar_status st = axis(ctx, s, fx, 1, f->pin_x_mm + r + s->margin_mm, s->full_domain,
                          &g->x, &g->nx);
    if (!st)
        st = axis(ctx, s, fy, 1, r + s->margin_mm, s->full_domain, &g->y, &g->ny);
    if (!st)
        st = half_axis(ctx, s, fz, 2, s->depth_mm + s->margin_mm, &g->z, &g->nz);
    if (st)
        return st;
    g->n = g->nx * g->ny * g->nz;
    f->copies = s->full_domain ? 1 : 4;
    f->pins = s->bipolar ? 2 : 1;
    return SCAR_OK;
}

#define IDX(g, i, j, k) (((size_t)(k) * (g)->ny + (size_t)(j)) * (g)->nx + (size_t)(i))

static double cx(const scar_subgrid *g, size_t i) { return 0.5 * (g->x[i] + g->x[i + 1]); }
static double cy(const scar_subgrid *g, size_t j) { return 0.5 * (g->y[j] + g->y[j + 1]); }
static double cz(const scar_subgrid *g, size_t k) { return 0.5 * (g->z[k] + g->z[k + 1]); }

/* Layers by depth; needles by the cell centre. */
static void classify(scar_rf_field *f)
{
    const scar_rf_spec *s = &f->spec;
    const scar_subgrid *g = &f->g;
    double axes[2] = {f->pin_x_mm, -f->pin_x_mm};
    int naxes = s->bipolar && s->full_domain ? 2 : 1;
    for (size_t k = 0; k < g->nz; k++) {
        double z = cz(g, k), rn = needle_radius(s, z);
        uint8_t layer = z < s->h_e_mm ? SCAR_RF_EPI : z < s->z_b_mm ? SCAR_RF_DERM : SCAR_RF_FAT;
        bool conducts = !s->insulated || z >= s->depth_mm - s->tip_mm;
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                size_t v = IDX(g, i, j, k);
                f->layer[v] = layer;
                f->needle[v] = SCAR_RF_TISSUE;
                for (int a = 0; a < naxes; a++) {
                    double dx = cx(g, i) - axes[a], dy = cy(g, j);
                    if (rn > 0.0 && dx * dx + dy * dy <= rn * rn)
                        f->needle[v] = !conducts ? SCAR_RF_SHAFT
                                       : a == 0  ? SCAR_RF_POS
                                                 : SCAR_RF_NEG;
                }
            }
    }
}

/* ---- potential ----------------------------------------------------------- */

/* The conductance (S) of half of cell v towards a face of area A (mm^2), the
 * cell being d (mm) thick across it: sigma A / (d/2), in SI. */
static double half_g(double sigma, double A, double d) { return sigma * A / (0.5 * d) * 1e-3; }

/* Face conductances: G[0][v] to v+1 in x, G[1][v] to v+nx, G[2][v] to
 * v+nx*ny; gd[v] to a 0 V boundary; sig[v] the cell's conductivity (0 in
 * the needle); Gh[v][dir] its half conductances are recomputed on use. */
typedef struct pot {
    double *G[3], *gd, *sig, *diag, *b;
    uint8_t *unk;
} pot;

static void pot_free(pot *P)
{
    for (int d = 0; d < 3; d++)
        free(P->G[d]);
    free(P->gd);
    free(P->sig);
    free(P->diag);
    free(P->b);
    free(P->unk);
    memset(P, 0, sizeof *P);
}

static double cell_d(const scar_subgrid *g, int dir, size_t i)
{
    const double *e = dir == 0 ? g->x : dir == 1 ? g->y : g->z;
    return e[i + 1] - e[i];
}

/* Cross-section of a face normal to dir of the cell (i, j, k), mm^2. */
static double face_area(const scar_subgrid *g, int dir, size_t i, size_t j, size_t k)
{
    double dx = cell_d(g, 0, i), dy = cell_d(g, 1, j), dz = cell_d(g, 2, k);
    return dir == 0 ? dy * dz : dir == 1 ? dx * dz : dx * dy;
}

static bool is_electrode(uint8_t n) { return n == SCAR_RF_POS || n == SCAR_RF_NEG; }

/* Conductance of the face between a and b (normal dir), each d thick. */
static double face_g(const scar_rf_field *f, const pot *P, size_t a, size_t b, double A, double da,
                     double db)
{
    uint8_t na = f->needle[a], nb = f->needle[b];
    if (na == SCAR_RF_SHAFT || nb == SCAR_RF_SHAFT || (na != SCAR_RF_TISSUE && nb != SCAR_RF_TISSUE))
        return 0.0;
    if (is_electrode(na))
        return half_g(P->sig[b], A, db);
    if (is_electrode(nb))
        return half_g(P->sig[a], A, da);
    double ga = half_g(P->sig[a], A, da), gb = half_g(P->sig[b], A, db);
    return ga * gb / (ga + gb);
}

static double electrode_phi(uint8_t n, const scar_rf_field *f)
{
    double top = f->spec.bipolar ? 0.5 : 1.0;
    return n == SCAR_RF_POS ? top : n == SCAR_RF_NEG ? -top : 0.0;
}

static scar_status pot_build(scar_ctx *ctx, scar_rf_field *f, const scar_params *p, pot *P)
{
    const scar_subgrid *g = &f->g;
    const scar_rf_spec *s = &f->spec;
    size_t n = g->n;
    for (int d = 0; d < 3; d++)
        if (!(P->G[d] = scar_calloc(ctx, n, sizeof(double))))
            return SCAR_ENOMEM;
    if (!(P->gd = scar_calloc(ctx, n, sizeof(double))) ||
        !(P->sig = scar_calloc(ctx, n, sizeof(double))) ||
        !(P->diag = scar_calloc(ctx, n, sizeof(double))) ||
        !(P->b = scar_calloc(ctx, n, sizeof(double))) ||
        !(P->unk = scar_calloc(ctx, n, sizeof(uint8_t))))
        return SCAR_ENOMEM;
    double sig_layer[3] = {s->sigma_epi_rel * p->sigma_derm, p->sigma_derm,
                           s->sigma_fat_rel * p->sigma_derm};
    for (size_t v = 0; v < n; v++) {
        P->sig[v] = f->needle[v] == SCAR_RF_TISSUE ? sig_layer[f->layer[v]] : 0.0;
        P->unk[v] = f->needle[v] == SCAR_RF_TISSUE;
    }
    size_t st[3] = {1, g->nx, g->nx * g->ny}, nn[3] = {g->nx, g->ny, g->nz};
    for (size_t k = 0; k < g->nz; k++)
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                size_t v = IDX(g, i, j, k), ijk[3] = {i, j, k};
                for (int d = 0; d < 3; d++) {
                    if (ijk[d] + 1 >= nn[d])
                        continue;
                    P->G[d][v] = face_g(f, P, v, v + st[d], face_area(g, d, i, j, k),
                                        cell_d(g, d, ijk[d]), cell_d(g, d, ijk[d] + 1));
                }
                if (!P->unk[v])
                    continue;
                /* 0 V boundaries: the bipolar mid-plane; the monopolar box's
                 * far sides and bottom */
                double gd = 0.0;
                if (s->bipolar && !s->full_domain && i == 0)
                    gd += half_g(P->sig[v], face_area(g, 0, i, j, k), cell_d(g, 0, i));
                if (!s->bipolar) {
                    if (i == g->nx - 1 || (s->full_domain && i == 0))
                        gd += half_g(P->sig[v], face_area(g, 0, i, j, k), cell_d(g, 0, i));
                    if (j == g->ny - 1 || (s->full_domain && j == 0))
                        gd += half_g(P->sig[v], face_area(g, 1, i, j, k), cell_d(g, 1, j));
                    if (k == g->nz - 1)
                        gd += half_g(P->sig[v], face_area(g, 2, i, j, k), cell_d(g, 2, k));
                }
                P->gd[v] = gd;
            }
    /* diagonal and the electrodes' contribution to the right-hand side */
    for (size_t k = 0; k < g->nz; k++)
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                size_t v = IDX(g, i, j, k), ijk[3] = {i, j, k};
                if (!P->unk[v])
                    continue;
                double dg = P->gd[v], b = 0.0;
                for (int d = 0; d < 3; d++) {
                    if (ijk[d] > 0) {
                        size_t u = v - st[d];
                        dg += P->G[d][u];
                        b += P->G[d][u] * electrode_phi(f->needle[u], f);
                    }
                    if (ijk[d] + 1 < nn[d]) {
                        size_t u = v + st[d];
                        dg += P->G[d][v];
                        b += P->G[d][v] * electrode_phi(f->needle[u], f);
                    }
                }
                P->diag[v] = dg;
                P->b[v] = b;
                if (!(dg > 0.0)) /* walled in by insulation: no current */
                    P->unk[v] = 0;
            }
    return SCAR_OK;
}

static int nthreads(scar_ctx *ctx)
{
    return scar_ctx_threads(ctx) > 0 ? scar_ctx_threads(ctx) : omp_get_max_threads();
}

/* y = A x on the unknowns (x is 0 elsewhere). */
static void matvec(const scar_subgrid *g, const pot *P, const double *restrict x,
                   double *restrict y, int nt)
{
    size_t nx = g->nx, ny = g->ny, nz = g->nz, pl = nx * ny;
    const double *Gx = P->G[0], *Gy = P->G[1], *Gz = P->G[2];
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t k = 0; k < nz; k++)
        for (size_t j = 0; j < ny; j++)
            for (size_t i = 0; i < nx; i++) {
                size_t v = (k * ny + j) * nx + i;
                if (!P->unk[v]) {
                    y[v] = 0.0;
                    continue;
                }
                double s = P->diag[v] * x[v];
                if (i > 0) s -= Gx[v - 1] * x[v - 1];
                if (i + 1 < nx) s -= Gx[v] * x[v + 1];
                if (j > 0) s -= Gy[v - nx] * x[v - nx];
                if (j + 1 < ny) s -= Gy[v] * x[v + nx];
                if (k > 0) s -= Gz[v - pl] * x[v - pl];
                if (k + 1 < nz) s -= Gz[v] * x[v + pl];
                y[v] = s;
            }
}

/* Dot product summed plane by plane, planes in order: thread-independent. */
static double dot(const scar_subgrid *g, const double *a, const double *b, double *plane, int nt)
{
    size_t pl = g->nx * g->ny;
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t k = 0; k < g->nz; k++) {
        double s = 0.0;
        for (size_t q = k * pl; q < (k + 1) * pl; q++)
            s += a[q] * b[q];
        plane[k] = s;
    }
    double s = 0.0;
    for (size_t k = 0; k < g->nz; k++)
        s += plane[k];
    return s;
}

/* Two-level preconditioner.  Jacobi alone needs ~650 iterations on the
 * graded box (the condition number grows with the square of the cells
 * across it).  A coarse space of 4 x 4 x 4 aggregates (piecewise constant,
 * Galerkin operator A_c = P^T A P, factored once by banded Cholesky: ~4e3
 * unknowns, bandwidth ncx ncy) removes the smooth error; a Gauss-Seidel
 * sweep before it and the reverse sweep after it remove the rough one.
 * Symmetric (the post-smoother is the pre-smoother's adjoint), so CG
 * applies. */
enum { AGG = 4 };

typedef struct coarse {
    size_t ncx, ncy, ncz, nc, bw;
    double *L;     /* nc x (bw + 1): L[I][I - b] at I (bw + 1) + b */
    double *rc;    /* nc */
    uint32_t *agg; /* per fine cell: its aggregate */
} coarse;

static size_t agg_of(const scar_subgrid *g, const coarse *c, size_t v)
{
    size_t pl = g->nx * g->ny, k = v / pl, j = (v % pl) / g->nx, i = v % g->nx;
    return ((k / AGG) * c->ncy + j / AGG) * c->ncx + i / AGG;
}

static scar_status coarse_build(scar_ctx *ctx, const scar_subgrid *g, const pot *P, coarse *c)
{
    c->ncx = (g->nx + AGG - 1) / AGG;
    c->ncy = (g->ny + AGG - 1) / AGG;
    c->ncz = (g->nz + AGG - 1) / AGG;
    c->nc = c->ncx * c->ncy * c->ncz;
    c->bw = c->ncx * c->ncy;
    size_t w = c->bw + 1;
    if (!(c->L = scar_calloc(ctx, c->nc * w, sizeof(double))) ||
        !(c->rc = scar_calloc(ctx, c->nc, sizeof(double))) ||
        !(c->agg = scar_malloc(ctx, g->n * sizeof(uint32_t))))
        return SCAR_ENOMEM;
    for (size_t v = 0; v < g->n; v++)
        c->agg[v] = (uint32_t)agg_of(g, c, v);
    /* A_c[I][J] = sum over v in I, u in J of A[v][u], lower band only */
    size_t st[3] = {1, g->nx, g->nx * g->ny}, nn[3] = {g->nx, g->ny, g->nz};
    for (size_t k = 0; k < g->nz; k++)
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                size_t v = IDX(g, i, j, k), ijk[3] = {i, j, k};
                if (!P->unk[v])
                    continue;
                size_t I = agg_of(g, c, v);
                c->L[I * w] += P->diag[v];
                for (int d = 0; d < 3; d++) {
                    if (ijk[d] + 1 >= nn[d] || !P->unk[v + st[d]])
                        continue;
                    size_t J = agg_of(g, c, v + st[d]);
                    double G = P->G[d][v];
                    if (J == I) {
                        c->L[I * w] -= 2.0 * G;
                    } else { /* J > I: the entry (J, I) of the lower band */
                        c->L[J * w + (J - I)] -= G;
                    }
                }
            }
    /* aggregates of needle cells only: identity rows */
    for (size_t I = 0; I < c->nc; I++)
        if (c->L[I * w] == 0.0)
            c->L[I * w] = 1.0;
    /* banded Cholesky in place: L[I][I-b] */
    for (size_t J = 0; J < c->nc; J++) {
        double s = c->L[J * w];
        size_t k0 = J > c->bw ? J - c->bw : 0;
        for (size_t k = k0; k < J; k++) {
            double l = c->L[J * w + (J - k)];
            s -= l * l;
        }
        if (!(s > 0.0))
            return SCAR_RAISE(ctx, SCAR_EINTERNAL, "RF potential: coarse operator not positive "
                                                   "definite at %zu (%g)", J, s);
        double d = sqrt(s);
        c->L[J * w] = d;
        size_t i1 = J + c->bw < c->nc ? J + c->bw : c->nc - 1;
        for (size_t I = J + 1; I <= i1; I++) {
            double t = c->L[I * w + (I - J)];
            size_t m0 = I > c->bw ? I - c->bw : 0;
            for (size_t m = m0 > k0 ? m0 : k0; m < J; m++)
                t -= c->L[I * w + (I - m)] * c->L[J * w + (J - m)];
            c->L[I * w + (I - J)] = t / d;
        }
    }
    return SCAR_OK;
}

/* Solves A_c x = rc in place. */
static void coarse_solve(coarse *c)
{
    size_t w = c->bw + 1;
    double *x = c->rc;
    for (size_t I = 0; I < c->nc; I++) {
        double t = x[I];
        size_t m0 = I > c->bw ? I - c->bw : 0;
        for (size_t m = m0; m < I; m++)
            t -= c->L[I * w + (I - m)] * x[m];
        x[I] = t / c->L[I * w];
    }
    for (size_t I = c->nc; I-- > 0;) {
        double t = x[I];
        size_t m1 = I + c->bw < c->nc ? I + c->bw : c->nc - 1;
        for (size_t m = I + 1; m <= m1; m++)
            t -= c->L[m * w + (m - I)] * x[m];
        x[I] = t / c->L[I * w];
    }
}

/* One Gauss-Seidel sweep for A z = r over the unknowns, forward or
 * backward (the backward sweep is the forward one's adjoint). */
static void gauss_seidel(const scar_subgrid *g, const pot *P, const double *r, double *z,
                         bool forward)
{
    size_t nx = g->nx, ny = g->ny, nz = g->nz, pl = nx * ny;
    const double *Gx = P->G[0], *Gy = P->G[1], *Gz = P->G[2];
    for (size_t kk = 0; kk < nz; kk++)
        for (size_t jj = 0; jj < ny; jj++)
            for (size_t ii = 0; ii < nx; ii++) {
                size_t k = forward ? kk : nz - 1 - kk, j = forward ? jj : ny - 1 - jj;
                size_t i = forward ? ii : nx - 1 - ii, v = (k * ny + j) * nx + i;
                if (!P->unk[v])
                    continue;
                double s = r[v];
                if (i > 0) s += Gx[v - 1] * z[v - 1];
                if (i + 1 < nx) s += Gx[v] * z[v + 1];
                if (j > 0) s += Gy[v - nx] * z[v - nx];
                if (j + 1 < ny) s += Gy[v] * z[v + nx];
                if (k > 0) s += Gz[v - pl] * z[v - pl];
                if (k + 1 < nz) s += Gz[v] * z[v + pl];
                z[v] = s / P->diag[v];
            }
}

/* z = M^-1 r: forward Gauss-Seidel, coarse correction, backward
 * Gauss-Seidel (t is scratch). */
static void precond(const scar_subgrid *g, const pot *P, coarse *c, const double *r, double *z,
                    double *t, int nt)
{
    size_t n = g->n;
    memset(z, 0, n * sizeof *z);
    gauss_seidel(g, P, r, z, true);
    matvec(g, P, z, t, nt);
    memset(c->rc, 0, c->nc * sizeof(double));
    for (size_t v = 0; v < n; v++)
        if (P->unk[v])
            c->rc[c->agg[v]] += r[v] - t[v];
    coarse_solve(c);
    for (size_t v = 0; v < n; v++)
        if (P->unk[v])
            z[v] += c->rc[c->agg[v]];
    gauss_seidel(g, P, r, z, false);
}

/* Preconditioned conjugate gradients for the unknowns of phi. */
static scar_status pot_solve(scar_ctx *ctx, scar_rf_field *f, const pot *P)
{
    const scar_subgrid *g = &f->g;
    size_t n = g->n;
    int nt = nthreads(ctx);
    coarse c = {0};
    double *r = scar_calloc(ctx, n, sizeof *r), *z = scar_calloc(ctx, n, sizeof *z),
           *d = scar_calloc(ctx, n, sizeof *d), *q = scar_calloc(ctx, n, sizeof *q),
           *x = scar_calloc(ctx, n, sizeof *x), *t = scar_calloc(ctx, n, sizeof *t),
           *plane = scar_calloc(ctx, g->nz, sizeof *plane);
    scar_status st = SCAR_OK;
    if (!r || !z || !d || !q || !x || !t || !plane) {
        st = SCAR_ENOMEM;
        goto done;
    }
    if ((st = coarse_build(ctx, g, P, &c)))
        goto done;
    memcpy(r, P->b, n * sizeof *r);
    precond(g, P, &c, r, z, t, nt);
    memcpy(d, z, n * sizeof *d);
    double bnorm = sqrt(dot(g, r, r, plane, nt)), rz = dot(g, r, z, plane, nt), res = 1.0;
    int it = 0, max_it = 2000;
    if (bnorm > 0.0) {
        for (it = 1; it <= max_it; it++) {
            matvec(g, P, d, q, nt);
            double alpha = rz / dot(g, d, q, plane, nt);
            for (size_t v = 0; v < n; v++) {
                x[v] += alpha * d[v];
                r[v] -= alpha * q[v];
            }
            res = sqrt(dot(g, r, r, plane, nt)) / bnorm;
            if (res <= f->spec.cg_tol)
                break;
            precond(g, P, &c, r, z, t, nt);
            double rz1 = dot(g, r, z, plane, nt), beta = rz1 / rz;
            rz = rz1;
            for (size_t v = 0; v < n; v++)
                d[v] = z[v] + beta * d[v];
        }
        if (it > max_it) {
            st = SCAR_RAISE(ctx, SCAR_EINTERNAL,
                            "RF potential: conjugate gradients did not converge in %d iterations "
                            "(residual %.3g)", max_it, res);
            goto done;
        }
    } else {
        res = 0.0;
    }
    for (size_t v = 0; v < n; v++)
        f->phi[v] = P->unk[v] ? x[v] : electrode_phi(f->needle[v], f);
    f->cg_iterations = it;
    f->cg_residual = res;
done:
    free(c.L);
    free(c.rc);
    free(c.agg);
    free(r);
    free(z);
    free(d);
    free(q);
    free(x);
    free(t);
    free(plane);
    return st;
}

/* Joule heat per cell, gathered face by face (each cell takes I² times its
 * own half resistance), and the electrodes' currents. */
static void joule(scar_rf_field *f, const pot *P)
{
    const scar_subgrid *g = &f->g;
    size_t st[3] = {1, g->nx, g->nx * g->ny}, nn[3] = {g->nx, g->ny, g->nz};
    double power = 0.0, check = 0.0, cur = 0.0;
    for (size_t k = 0; k < g->nz; k++)
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                size_t v = IDX(g, i, j, k), ijk[3] = {i, j, k};
                f->q_W[v] = 0.0;
                if (!P->unk[v])
                    continue;
                double q = P->gd[v] * f->phi[v] * f->phi[v];
                for (int d = 0; d < 3; d++) {
                    double hv = half_g(P->sig[v], face_area(g, d, i, j, k), cell_d(g, d, ijk[d]));
                    for (int side = 0; side < 2; side++) {
                        if (side == 0 ? ijk[d] == 0 : ijk[d] + 1 >= nn[d])
                            continue;
                        size_t u = side == 0 ? v - st[d] : v + st[d];
                        double G = side == 0 ? P->G[d][u] : P->G[d][v];
                        if (G <= 0.0)
                            continue;
                        double I = G * (f->phi[v] - f->phi[u]);
                        q += I * I / hv;
                        if (is_electrode(f->needle[u])) {
                            /* current out of electrode u into this cell */
                            check += electrode_phi(f->needle[u], f) * -I;
                            if (f->needle[u] == SCAR_RF_POS)
                                cur -= I;
                        }
                    }
                }
                f->q_W[v] = q;
                power += q;
            }
    f->power_W = power;
    f->power_check_W = check;
    f->current_A = cur;
}

void scar_rf_field_destroy(scar_rf_field **fp)
{
    if (!fp || !*fp)
        return;
    scar_rf_field *f = *fp;
    subgrid_free(&f->g);
    free(f->layer);
    free(f->needle);
    free(f->phi);
    free(f->q_W);
    free(f);
    *fp = NULL;
}

static scar_status check_spec(scar_ctx *ctx, const scar_rf_spec *s)
{
    if (!(s->h_mm > 0.0) || !(s->radius_mm >= s->h_mm) || !(s->depth_mm > s->h_mm) ||
        !(s->pulse_s > 0.0) || !(s->cool_s >= 0.0) || s->pulse_steps < 1 ||
        !(s->grow >= 0.0) || !(s->h_max_mm >= s->h_mm) || !(s->margin_mm > 0.0) ||
        !(s->tip_mm > 0.0) || !(s->dt_max_s > 0.0) || !(s->cg_tol > 0.0) ||
        (s->bipolar && !(s->pair_mm > 2.0 * s->radius_mm)))
        return SCAR_RAISE(ctx, SCAR_EINPUT,
                          "RF sub-grid: expected a needle of radius >= the spacing %g mm "
                          "(found %g mm), reaching deeper than one cell (%g mm), pins further "
                          "apart than their diameter (%g mm), a positive pulse (%g s) and tip "
                          "(%g mm)", s->h_mm, s->radius_mm, s->depth_mm, s->pair_mm, s->pulse_s,
                          s->tip_mm);
    return SCAR_OK;
}

scar_status scar_rf_field_create(scar_ctx *ctx, const scar_rf_spec *s, const scar_params *p,
                                 scar_rf_field **out)
{
    *out = NULL;
    scar_status st = check_spec(ctx, s);
    if (st)
        return st;
    scar_rf_field *f = scar_calloc(ctx, 1, sizeof *f);
    if (!f)
        return SCAR_ENOMEM;
    f->spec = *s;
    pot P = {0};
    if ((st = build_grid(ctx, f)))
        goto fail;
    size_t n = f->g.n;
    if (!(f->layer = scar_malloc(ctx, n)) || !(f->needle = scar_malloc(ctx, n)) ||
        !(f->phi = scar_calloc(ctx, n, sizeof(double))) ||
        !(f->q_W = scar_calloc(ctx, n, sizeof(double)))) {
        st = SCAR_ENOMEM;
        goto fail;
    }
    classify(f);
    if ((st = pot_build(ctx, f, p, &P)) || (st = pot_solve(ctx, f, &P)))
        goto fail;
    joule(f, &P);
    pot_free(&P);
    if (!(f->power_W > 0.0)) {
        st = SCAR_RAISE(ctx, SCAR_EINPUT, "RF sub-grid: no current flows (the conducting tip "
                                          "of %g mm lies in no tissue cell)", s->tip_mm);
        goto fail;
    }
    *out = f;
    return SCAR_OK;
fail:
    pot_free(&P);
    scar_rf_field_destroy(&f);
    return st;
}

/* ---- bioheat ------------------------------------------------------------- */

typedef struct heat {
    double *C;       /* heat capacity per cell, J/K */
    double *K[3];    /* face conductances to the next cell along x, y, z, W/K */
    double *Kt, *Kb; /* per column: to the air at the surface, to T_a at the bottom */
    double *Pf;      /* perfusion per cell, W/K */
    double *T, *T0, *Tmax, *q;
    double *om_cell, *om_coll, *r_cell, *r_coll;
    /* LU factors of the three sweeps for the step dt_fac: the inverse pivot
     * and the back-substitution weight K/pivot per cell */
    double *im[3], *ew[3];
    double dt_fac;
    double *Ay, *Az, *W; /* scratch of the ADI step */
    double *lg[4];   /* per column: deposited, to the surface, to the deep face, perfusion, J */
} heat;

static void heat_free(heat *H)
{
    double **all[] = {&H->C,       &H->K[0],    &H->K[1],    &H->K[2],   &H->Kt,
                      &H->Kb,      &H->Pf,      &H->T,       &H->T0,     &H->Tmax,
                      &H->q,       &H->om_cell, &H->om_coll, &H->r_cell, &H->r_coll,
                      &H->im[0],   &H->im[1],   &H->im[2],   &H->ew[0],  &H->ew[1],
                      &H->ew[2],   &H->lg[0],   &H->lg[1],   &H->lg[2],  &H->lg[3],
                      &H->Ay,      &H->Az,      &H->W};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        free(*all[i]);
        *all[i] = NULL;
    }
}

/* Thermal properties of a cell: k (W/m/K) and rho c (J/m^3/K). */
static void props(const scar_rf_field *f, const scar_params *p, size_t v, bool needle_in,
                  double *k, double *rc)
{
    if (needle_in && f->needle[v] != SCAR_RF_TISSUE) {
        *k = f->spec.k_needle;
        *rc = f->spec.rhoc_needle;
        return;
    }
    switch (f->layer[v]) {
    case SCAR_RF_EPI: *k = p->k_epi; *rc = p->rho_t * p->c_epi; break;
    case SCAR_RF_DERM: *k = p->k_derm; *rc = p->rho_t * p->c_derm; break;
    default: *k = p->k_fat; *rc = p->rho_t * p->c_fat; break;
    }
}

/* Capacities, conductances and boundary terms with the needle in or out. */
static void heat_props(const scar_rf_field *f, const scar_params *p, bool needle_in, heat *H)
{
    const scar_subgrid *g = &f->g;
    const scar_rf_spec *s = &f->spec;
    size_t st[3] = {1, g->nx, g->nx * g->ny}, nn[3] = {g->nx, g->ny, g->nz};
    double perf = s->perfusion ? p->omega_b * p->rho_b * p->c_b : 0.0;
    for (size_t k = 0; k < g->nz; k++)
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                size_t v = IDX(g, i, j, k), ijk[3] = {i, j, k};
                double kv, rcv, vol = cell_d(g, 0, i) * cell_d(g, 1, j) * cell_d(g, 2, k) * 1e-9;
                props(f, p, v, needle_in, &kv, &rcv);
                H->C[v] = rcv * vol;
                bool vessels = f->layer[v] != SCAR_RF_EPI &&
                               (!needle_in || f->needle[v] == SCAR_RF_TISSUE);
                H->Pf[v] = vessels ? perf * vol : 0.0;
                for (int d = 0; d < 3; d++) {
                    H->K[d][v] = 0.0;
                    if (ijk[d] + 1 >= nn[d])
                        continue;
                    double ku, rcu;
                    props(f, p, v + st[d], needle_in, &ku, &rcu);
                    double A = face_area(g, d, i, j, k);
                    double ga = half_g(kv, A, cell_d(g, d, ijk[d]));
                    double gb = half_g(ku, A, cell_d(g, d, ijk[d] + 1));
                    H->K[d][v] = ga * gb / (ga + gb);
                }
                size_t col = j * g->nx + i;
                double A = face_area(g, 2, i, j, k) * 1e-6;
                if (k == 0) /* air film in series with the half cell */
                    H->Kt[col] = s->convection && p->h_conv > 0.0
                                     ? A / (1.0 / p->h_conv + 0.5 * cell_d(g, 2, k) * 1e-3 / kv)
                                     : 0.0;
                if (k == g->nz - 1)
                    H->Kb[col] = half_g(kv, face_area(g, 2, i, j, k), cell_d(g, 2, k));
            }
    H->dt_fac = -1.0;
}

/* The diagonal of the sweep along d at cell v (index m of len on its line,
 * column col): C/dt plus the conductances, and for z the perfusion and the
 * boundary faces. */
static double sweep_diag(const heat *H, int d, size_t v, size_t stride, size_t m, size_t len,
                         size_t col, double dt)
{
    double b = H->C[v] / dt + (m > 0 ? H->K[d][v - stride] : 0.0) + (m + 1 < len ? H->K[d][v] : 0.0);
    if (d == 2) {
        b += H->Pf[v];
        if (m == 0)
            b += H->Kt[col];
        if (m + 1 == len)
            b += H->Kb[col];
    }
    return b;
}

/* LU factors (Thomas) of the three backward-Euler sweeps for a step dt:
 * the system along a line is -K(m-1) x(m-1) + b(m) x(m) - K(m) x(m+1) = r(m),
 * diagonally dominant, no pivoting. */
static void factor(const scar_rf_field *f, heat *H, double dt, int nt)
{
    const scar_subgrid *g = &f->g;
    size_t nx = g->nx, ny = g->ny, nz = g->nz, pl = nx * ny;
    size_t nn[3] = {nx, ny, nz}, st[3] = {1, nx, pl};
    for (int d = 0; d < 3; d++) {
        size_t len = nn[d], stride = st[d], lines = g->n / len;
        double *im = H->im[d], *ew = H->ew[d];
        const double *K = H->K[d];
#pragma omp parallel for num_threads(nt) schedule(static)
        for (size_t L = 0; L < lines; L++) {
            size_t base = d == 0 ? L * nx : d == 1 ? (L / nx) * pl + (L % nx) : L;
            double e_prev = 0.0;
            for (size_t m = 0; m < len; m++) {
                size_t v = base + m * stride;
                double b = sweep_diag(H, d, v, stride, m, len, L % pl, dt);
                double piv = b - (m > 0 ? K[v - stride] * e_prev : 0.0);
                im[v] = 1.0 / piv;
                ew[v] = m + 1 < len ? K[v] * im[v] : 0.0;
                e_prev = ew[v];
            }
        }
    }
    H->dt_fac = dt;
}

/* Solves (C/dt - L_x) w = rhs in place along x (lines contiguous). */
static void solve_x(const scar_subgrid *g, const heat *H, double *w, int nt)
{
    size_t nx = g->nx, lines = g->ny * g->nz;
    const double *K = H->K[0], *im = H->im[0], *ew = H->ew[0];
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t L = 0; L < lines; L++) {
        double *r = w + L * nx;
        const double *k = K + L * nx, *m = im + L * nx, *e = ew + L * nx;
        r[0] *= m[0];
        for (size_t i = 1; i < nx; i++)
            r[i] = (r[i] + k[i - 1] * r[i - 1]) * m[i];
        for (size_t i = nx - 1; i-- > 0;)
            r[i] += e[i] * r[i + 1];
    }
}

/* Along y, all lines of a plane at once (inner loops contiguous). */
static void solve_y(const scar_subgrid *g, const heat *H, double *w, int nt)
{
    size_t nx = g->nx, ny = g->ny, pl = nx * ny;
    const double *K = H->K[1], *im = H->im[1], *ew = H->ew[1];
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t k = 0; k < g->nz; k++) {
        size_t b = k * pl;
        for (size_t i = 0; i < nx; i++)
            w[b + i] *= im[b + i];
        for (size_t j = 1; j < ny; j++) {
            size_t r = b + j * nx;
            for (size_t i = 0; i < nx; i++)
                w[r + i] = (w[r + i] + K[r + i - nx] * w[r + i - nx]) * im[r + i];
        }
        for (size_t j = ny - 1; j-- > 0;) {
            size_t r = b + j * nx;
            for (size_t i = 0; i < nx; i++)
                w[r + i] += ew[r + i] * w[r + i + nx];
        }
    }
}

/* Along z, columns in chunks (inner loops contiguous). */
static void solve_z(const scar_subgrid *g, const heat *H, double *w, int nt)
{
    size_t nz = g->nz, pl = g->nx * g->ny, chunk = 256;
    size_t nchunks = (pl + chunk - 1) / chunk;
    const double *K = H->K[2], *im = H->im[2], *ew = H->ew[2];
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t ch = 0; ch < nchunks; ch++) {
        size_t c0 = ch * chunk, c1 = c0 + chunk < pl ? c0 + chunk : pl;
        for (size_t c = c0; c < c1; c++)
            w[c] *= im[c];
        for (size_t k = 1; k < nz; k++) {
            size_t b = k * pl;
            for (size_t c = c0; c < c1; c++)
                w[b + c] = (w[b + c] + K[b + c - pl] * w[b + c - pl]) * im[b + c];
        }
        for (size_t k = nz - 1; k-- > 0;) {
            size_t b = k * pl;
            for (size_t c = c0; c < c1; c++)
                w[b + c] += ew[b + c] * w[b + c + pl];
        }
    }
}

/* The linear parts of the y and z operators applied to T: Ay = L_y T,
 * Az = L_z T (L_z with the sinks of the surface, the deep face and the
 * perfusion on its diagonal; their constant parts cancel in the scheme). */
static void apply_yz(const scar_subgrid *g, const heat *H, int nt)
{
    size_t nx = g->nx, ny = g->ny, nz = g->nz, pl = nx * ny;
    const double *Ky = H->K[1], *Kz = H->K[2], *T = H->T;
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t k = 0; k < nz; k++)
        for (size_t j = 0; j < ny; j++)
            for (size_t i = 0; i < nx; i++) {
                size_t v = (k * ny + j) * nx + i, c = j * nx + i;
                double ay = 0.0, az = -H->Pf[v] * T[v];
                if (j > 0) ay += Ky[v - nx] * (T[v - nx] - T[v]);
                if (j + 1 < ny) ay += Ky[v] * (T[v + nx] - T[v]);
                if (k > 0) az += Kz[v - pl] * (T[v - pl] - T[v]);
                if (k + 1 < nz) az += Kz[v] * (T[v + pl] - T[v]);
                if (k == 0) az -= H->Kt[c] * T[v];
                if (k + 1 == nz) az -= H->Kb[c] * T[v];
                H->Ay[v] = ay;
                H->Az[v] = az;
            }
}

/* One backward-Euler step by the Douglas ADI scheme (Douglas & Gunn 1964):
 *   (C/dt - L_x) u1 = C/dt u + L_y u + L_z u + c_z + q
 *   (C/dt - L_y) u2 = C/dt u1 - L_y u
 *   (C/dt - L_z) u' = C/dt u2 - L_z u
 * Summed: C (u' - u)/dt = L_x u1 + L_y u2 + L_z u' + c_z + q, so every
 * face's flux leaves one cell for another (conservative) and only the z
 * faces carry boundary fluxes, at u'.  Unlike LOD it keeps a steady state
 * exactly: the quasi-steady balance at the electrode's edge between Joule
 * heat and conduction into the steel needle does not lag by a step (with
 * LOD the peak temperature converged only like sqrt(dt)). */
static void heat_step(const scar_rf_field *f, const scar_params *p, heat *H, double dt,
                      double qscale, int nt)
{
    const scar_subgrid *g = &f->g;
    size_t n = g->n, pl = g->nx * g->ny, nz = g->nz;
    if (dt != H->dt_fac)
        factor(f, H, dt, nt);
    apply_yz(g, H, nt);
    double *W = H->W, T_a = p->T_a, T_amb = p->T_amb;
    const double *C = H->C, *T = H->T;
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t v = 0; v < n; v++)
        W[v] = C[v] / dt * T[v] + H->Ay[v] + H->Az[v] + H->Pf[v] * T_a + qscale * H->q[v];
    for (size_t c = 0; c < pl; c++) {
        W[c] += H->Kt[c] * T_amb;
        W[(nz - 1) * pl + c] += H->Kb[c] * T_a;
    }
    solve_x(g, H, W, nt);
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t v = 0; v < n; v++)
        W[v] = C[v] / dt * W[v] - H->Ay[v];
    solve_y(g, H, W, nt);
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t v = 0; v < n; v++)
        W[v] = C[v] / dt * W[v] - H->Az[v];
    solve_z(g, H, W, nt);
    memcpy(H->T, W, n * sizeof *W);
    /* the energy book, per column */
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t c = 0; c < pl; c++) {
        double dep = 0.0, perf = 0.0;
        for (size_t k = 0; k < nz; k++) {
            size_t v = k * pl + c;
            dep += qscale * H->q[v];
            perf += H->Pf[v] * (W[v] - T_a);
        }
        H->lg[0][c] += dep * dt;
        H->lg[1][c] += H->Kt[c] * (W[c] - T_amb) * dt;
        H->lg[2][c] += H->Kb[c] * (W[(nz - 1) * pl + c] - T_a) * dt;
        H->lg[3][c] += perf * dt;
    }
}

/* Omega += trapezoid of the rates over dt; T_max kept. */
static void arrhenius_step(const scar_rf_field *f, heat *H, const scar_arrhenius *ac,
                           const scar_arrhenius *ad, double dt, int nt)
{
    size_t n = f->g.n;
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t v = 0; v < n; v++) {
        double T = H->T[v];
        double rc = scar_arrhenius_rate(ac, T), rd = scar_arrhenius_rate(ad, T);
        H->om_cell[v] = scar_omega_add(H->om_cell[v], 0.5 * (H->r_cell[v] + rc) * dt);
        H->om_coll[v] = scar_omega_add(H->om_coll[v], 0.5 * (H->r_coll[v] + rd) * dt);
        H->r_cell[v] = rc;
        H->r_coll[v] = rd;
        if (T > H->Tmax[v])
            H->Tmax[v] = T;
    }
}

/* The steady 1-D profile of the layers: conduction, perfusion, the
 * surface's air film and T_a at the bottom, on the box's far corner column
 * (no needle there): the z factors with no capacity term. */
static void steady_profile(const scar_rf_field *f, const scar_params *p, const heat *H,
                           double *prof)
{
    const scar_subgrid *g = &f->g;
    size_t nz = g->nz, pl = g->nx * g->ny, col = pl - 1;
    double e_prev = 0.0;
    for (size_t k = 0; k < nz; k++) {
        size_t v = k * pl + col;
        double b = H->Pf[v] + (k > 0 ? H->K[2][v - pl] : 0.0) + (k + 1 < nz ? H->K[2][v] : 0.0);
        double r = H->Pf[v] * p->T_a;
        if (k == 0) {
            b += H->Kt[col];
            r += H->Kt[col] * p->T_amb;
        }
        if (k + 1 == nz) {
            b += H->Kb[col];
            r += H->Kb[col] * p->T_a;
        }
        double piv = b - (k > 0 ? H->K[2][v - pl] * e_prev : 0.0);
        prof[k] = (r + (k > 0 ? H->K[2][v - pl] * prof[k - 1] : 0.0)) / piv;
        e_prev = k + 1 < nz ? H->K[2][v] / piv : 0.0;
        prof[nz + k] = e_prev;
    }
    for (size_t k = nz - 1; k-- > 0;)
        prof[k] += prof[nz + k] * prof[k + 1];
}

static double held(const scar_rf_field *f, const heat *H)
{
    const scar_subgrid *g = &f->g;
    double s = 0.0;
    for (size_t k = 0; k < g->nz; k++) {
        double e = 0.0;
        for (size_t q = k * g->nx * g->ny; q < (k + 1) * g->nx * g->ny; q++)
            e += H->C[q] * (H->T[q] - H->T0[q]);
        s += e;
    }
    return s;
}

static scar_status heat_alloc(scar_ctx *ctx, const scar_subgrid *g, heat *H)
{
    size_t n = g->n, pl = g->nx * g->ny;
    double **cell[] = {&H->C,       &H->K[0],    &H->K[1],   &H->K[2],   &H->Pf,
                       &H->T,       &H->T0,      &H->Tmax,   &H->q,      &H->om_cell,
                       &H->om_coll, &H->r_cell,  &H->r_coll, &H->im[0],  &H->im[1],
                       &H->im[2],   &H->ew[0],   &H->ew[1],  &H->ew[2],  &H->Ay,
                       &H->Az,      &H->W};
    for (size_t i = 0; i < sizeof cell / sizeof cell[0]; i++)
        if (!(*cell[i] = scar_alloc_aligned(ctx, n * sizeof(double))))
            return SCAR_ENOMEM;
    double **col[] = {&H->Kt, &H->Kb, &H->lg[0], &H->lg[1], &H->lg[2], &H->lg[3]};
    for (size_t i = 0; i < sizeof col / sizeof col[0]; i++)
        if (!(*col[i] = scar_calloc(ctx, pl, sizeof(double))))
            return SCAR_ENOMEM;
    memset(H->om_cell, 0, n * sizeof(double));
    memset(H->om_coll, 0, n * sizeof(double));
    return SCAR_OK;
}

/* Extents and volume of the zone where u >= thr (tissue cells only). */
static void zone(const scar_rf_field *f, const double *u, double thr, double per_pin,
                 double *top, double *bottom, double *width, double *vol)
{
    const scar_subgrid *g = &f->g;
    double zt = INFINITY, zb = -INFINITY, ylo = INFINITY, yhi = -INFINITY, V = 0.0;
    for (size_t k = 0; k < g->nz; k++)
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                size_t v = IDX(g, i, j, k);
                if (f->needle[v] != SCAR_RF_TISSUE || !(u[v] >= thr))
                    continue;
                if (f->spec.full_domain && f->spec.bipolar && g->x[i + 1] <= 0.0)
                    continue; /* the partner pin's half */
                zt = fmin(zt, g->z[k]);
                zb = fmax(zb, g->z[k + 1]);
                ylo = fmin(ylo, g->y[j]);
                yhi = fmax(yhi, g->y[j + 1]);
                V += cell_d(g, 0, i) * cell_d(g, 1, j) * cell_d(g, 2, k);
            }
    if (!(zb > zt)) {
        *top = *bottom = *width = *vol = 0.0;
        return;
    }
    *top = zt;
    *bottom = zb;
    *width = f->spec.full_domain ? yhi - ylo : 2.0 * yhi;
    *vol = V * per_pin;
}

static void lesion_stats(const scar_rf_field *f, const heat *H, scar_lesion *l, double per_pin)
{
    const scar_subgrid *g = &f->g;
    scar_lesion_stats *S = &l->stats;
    zone(f, l->dmg, 1.0 - exp(-1.0), per_pin, &S->coag_top_mm, &S->coag_bottom_mm,
         &S->coag_width_mm, &S->coag_vol_mm3);
    zone(f, l->den, 1.0 - exp(-1.0), per_pin, &S->den_top_mm, &S->den_bottom_mm,
         &S->den_width_mm, &S->den_vol_mm3);
    S->coag_depth_mm = S->coag_bottom_mm - S->coag_top_mm;
    S->den_depth_mm = S->den_bottom_mm - S->den_top_mm;
    double rim = 0.0;
    S->T_peak_C = -INFINITY;
    for (size_t k = 0; k < g->nz; k++)
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                size_t v = IDX(g, i, j, k);
                if (f->needle[v] != SCAR_RF_TISSUE)
                    continue;
                S->T_peak_C = fmax(S->T_peak_C, H->Tmax[v]);
                if (l->dmg[v] > SCAR_RIM_LOW && l->dmg[v] < SCAR_RIM_HIGH)
                    rim += cell_d(g, 0, i) * cell_d(g, 1, j) * cell_d(g, 2, k);
                if (f->layer[v] == SCAR_RF_EPI) {
                    S->epi_damage_max = fmax(S->epi_damage_max, l->dmg[v]);
                    S->epi_dT_max = fmax(S->epi_dT_max, H->Tmax[v] - H->T0[v]);
                }
            }
    S->rim_vol_mm3 = rim * per_pin;
}

/* Where the lesion lies, for stamping: the box around cells with a fraction
 * worth stamping. */
static void lesion_reach(const scar_rf_field *f, scar_lesion *l)
{
    const scar_subgrid *g = &f->g;
    double reach = 0.0, zlo = INFINITY, zhi = -INFINITY;
    for (size_t k = 0; k < g->nz; k++)
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                size_t v = IDX(g, i, j, k);
                if (!(l->dmg[v] >= SCAR_LESION_EPS || l->den[v] >= SCAR_LESION_EPS))
                    continue;
                double rx = fmax(fabs(g->x[i] - l->pin_x_mm), fabs(g->x[i + 1] - l->pin_x_mm));
                double ry = fmax(fabs(g->y[j]), fabs(g->y[j + 1]));
                reach = fmax(reach, fmax(rx, ry));
                zlo = fmin(zlo, g->z[k]);
                zhi = fmax(zhi, g->z[k + 1]);
            }
    l->reach_mm = reach;
    l->z_lo_mm = zhi > zlo ? zlo : 0.0;
    l->z_hi_mm = zhi > zlo ? zhi : 0.0;
}

static scar_status copy_grid(scar_ctx *ctx, const scar_subgrid *a, scar_subgrid *b)
{
    *b = (scar_subgrid){a->nx, a->ny, a->nz, a->n, NULL, NULL, NULL};
    if (!(b->x = scar_malloc(ctx, (a->nx + 1) * sizeof(double))) ||
        !(b->y = scar_malloc(ctx, (a->ny + 1) * sizeof(double))) ||
        !(b->z = scar_malloc(ctx, (a->nz + 1) * sizeof(double))))
        return SCAR_ENOMEM;
    memcpy(b->x, a->x, (a->nx + 1) * sizeof(double));
    memcpy(b->y, a->y, (a->ny + 1) * sizeof(double));
    memcpy(b->z, a->z, (a->nz + 1) * sizeof(double));
    return SCAR_OK;
}

static void add_ledger(const scar_rf_field *f, const heat *H, double *e)
{
    size_t pl = f->g.nx * f->g.ny;
    for (int q = 0; q < 4; q++) {
        double s = 0.0;
        for (size_t c = 0; c < pl; c++)
            s += H->lg[q][c];
        e[q] = s;
    }
}

scar_status scar_rf_lesion(scar_ctx *ctx, const scar_rf_field *f, const scar_params *p,
                           double energy_mJ, scar_lesion *out)
{
    memset(out, 0, sizeof *out);
    const scar_rf_spec *s = &f->spec;
    const scar_subgrid *g = &f->g;
    if (!(energy_mJ >= 0.0) || f->g.nz > 1024 || f->g.nx > 1024 || f->g.ny > 1024)
        return SCAR_RAISE(ctx, SCAR_EINPUT,
                          "RF lesion: expected an energy >= 0 mJ per pin and at most 1024 cells "
                          "along an axis, found %g mJ, %zu x %zu x %zu", energy_mJ, g->nx, g->ny,
                          g->nz);
    double t0 = scar_now_s();
    int nt = nthreads(ctx);
    heat H = {0};
    scar_status st = heat_alloc(ctx, g, &H);
    if (st)
        goto fail;
    out->kind = SCAR_LESION_GRID;
    out->pin_x_mm = f->pin_x_mm;
    out->fold_x = !s->full_domain && !s->bipolar;
    out->fold_y = !s->full_domain;
    out->cut_x = s->bipolar;
    if ((st = copy_grid(ctx, g, &out->g)))
        goto fail;
    if (!(out->dmg = scar_calloc(ctx, g->n, sizeof(double))) ||
        !(out->den = scar_calloc(ctx, g->n, sizeof(double)))) {
        st = SCAR_ENOMEM;
        goto fail;
    }
    /* the drive that delivers energy_mJ per pin over the pulse */
    double per_pin = (double)f->copies / (double)f->pins; /* solved part -> one pin */
    double P1 = f->power_W * per_pin;                      /* W per pin at 1 V */
    double V2 = energy_mJ * 1e-3 / (P1 * s->pulse_s);
    out->stats.voltage_V = sqrt(V2);
    out->stats.current_A = sqrt(V2) * f->current_A * per_pin;
    scar_arrhenius ac = scar_arrhenius_make(p->A_cell, p->Ea_cell, p->R_gas);
    scar_arrhenius ad = scar_arrhenius_make(p->A_coll, p->Ea_coll, p->R_gas);

    /* initial state: the steady layered profile */
    heat_props(f, p, false, &H);
    {
        double prof[2 * 1024];
        steady_profile(f, p, &H, prof);
        size_t pl = g->nx * g->ny;
        for (size_t v = 0; v < g->n; v++) {
            H.T[v] = H.T0[v] = H.Tmax[v] = prof[v / pl];
            H.r_cell[v] = scar_arrhenius_rate(&ac, H.T[v]);
            H.r_coll[v] = scar_arrhenius_rate(&ad, H.T[v]);
        }
    }
    memcpy(H.q, f->q_W, g->n * sizeof(double));
    heat_props(f, p, true, &H);
    /* the pulse */
    double dt = s->pulse_s / s->pulse_steps, e[4];
    for (int it = 0; it < s->pulse_steps; it++) {
        heat_step(f, p, &H, dt, V2, nt);
        arrhenius_step(f, &H, &ac, &ad, dt, nt);
    }
    add_ledger(f, &H, e);
    out->stats.e_held_pulse_J = held(f, &H) * per_pin;
    /* withdrawal: the needle's cells become tissue at their temperature; the
     * difference in heat content leaves with the needle */
    double before = held(f, &H);
    heat_props(f, p, false, &H);
    out->stats.e_needle_J = (before - held(f, &H)) * per_pin;
    /* the cooling: the step doubles every third step (the factors are
     * reused in between) up to dt_max */
    double t = 0.0;
    for (int it = 0; t < s->cool_s - 1e-12; it++) {
        if (it > 0 && it % 3 == 0)
            dt = fmin(2.0 * dt, s->dt_max_s);
        double step = t + dt > s->cool_s - 1e-9 ? s->cool_s - t : dt;
        heat_step(f, p, &H, step, 0.0, nt);
        arrhenius_step(f, &H, &ac, &ad, step, nt);
        t += step;
    }
    add_ledger(f, &H, e);
    out->stats.e_joule_J = e[0] * per_pin;
    out->stats.e_surface_J = e[1] * per_pin;
    out->stats.e_deep_J = e[2] * per_pin;
    out->stats.e_perfusion_J = e[3] * per_pin;
    out->stats.e_held_end_J = held(f, &H) * per_pin;
    for (size_t v = 0; v < g->n; v++) {
        out->dmg[v] = -expm1(-H.om_cell[v]);
        out->den[v] = -expm1(-H.om_coll[v]);
    }
    lesion_stats(f, &H, out, per_pin);
    lesion_reach(f, out);
    out->stats.seconds = scar_now_s() - t0;
    heat_free(&H);
    return SCAR_OK;
fail:
    heat_free(&H);
    scar_lesion_free(out);
    return st;
}
