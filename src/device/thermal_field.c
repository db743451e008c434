/*
 * thermal_field.c — RF microneedling on a local sub-grid (MODEL.md §5.4),
 * part 1: the grid, the electric potential and its Joule heating.  The
 * bioheat solve that uses them is thermal_solve.c.
 *
 * Grid.  A rectilinear box, cell-centred finite volumes, graded from h near
 * the needles, their conducting tips and the epidermis to h_max far away
 * (spacing h + grow x distance): a 3-D box at a uniform 10 µm would need
 * millions of cells for a pair 1.4 mm apart; graded, a quarter box holds
 * ~1e5.  The needle is the set of cells whose centres lie inside it; the
 * spacing near it must not exceed its radius (checked).
 *
 * Potential.  ∇·(σ∇φ) = 0 with σ by layer.  Conducting needle cells are
 * equipotential (Dirichlet); insulated shaft cells and the skin surface
 * carry no current.  Bipolar: +1/2 and -1/2 V on the pair, the mid-plane
 * x = 0 is then the 0 V equipotential (solved: x >= 0 with φ = 0 there).
 * Monopolar: 1 V on the needle, 0 V on the far sides of the box (the return
 * pad is far away).  Face conductances are harmonic means of the two half
 * cells; a face to an electrode has only the tissue half.  The system is
 * symmetric positive definite: conjugate gradients with a two-level
 * preconditioner (below), dot products summed plane by plane in a fixed
 * order (the same numbers for any thread count).
 *
 * Joule heating.  Each face dissipates I²/G; the share of each half cell is
 * I² times its own resistance, so the heat is put where the resistance is
 * and its sum equals the power the electrodes deliver (Σ φ_e I_e).
 */
#include "thermal_internal.h"

#include <math.h>

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
    scar_status st =
        axis(ctx, s, fx, 1, f->pin_x_mm + r + s->margin_mm, s->full_domain, &g->x, &g->nx);
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

static double cx(const scar_subgrid *g, size_t i)
{
    return 0.5 * (g->x[i] + g->x[i + 1]);
}
static double cy(const scar_subgrid *g, size_t j)
{
    return 0.5 * (g->y[j] + g->y[j + 1]);
}
static double cz(const scar_subgrid *g, size_t k)
{
    return 0.5 * (g->z[k] + g->z[k + 1]);
}

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

static bool is_electrode(uint8_t n)
{
    return n == SCAR_RF_POS || n == SCAR_RF_NEG;
}

/* Conductance of the face between a and b (normal dir), each d thick. */
static double face_g(const scar_rf_field *f, const pot *P, size_t a, size_t b, double A, double da,
                     double db)
{
    uint8_t na = f->needle[a], nb = f->needle[b];
    if (na == SCAR_RF_SHAFT || nb == SCAR_RF_SHAFT ||
        (na != SCAR_RF_TISSUE && nb != SCAR_RF_TISSUE))
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
                if (i > 0)
                    s -= Gx[v - 1] * x[v - 1];
                if (i + 1 < nx)
                    s -= Gx[v] * x[v + 1];
                if (j > 0)
                    s -= Gy[v - nx] * x[v - nx];
                if (j + 1 < ny)
                    s -= Gy[v] * x[v + nx];
                if (k > 0)
                    s -= Gz[v - pl] * x[v - pl];
                if (k + 1 < nz)
                    s -= Gz[v] * x[v + pl];
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
            return SCAR_RAISE(ctx, SCAR_EINTERNAL,
                              "RF potential: coarse operator not positive "
                              "definite at %zu (%g)",
                              J, s);
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
                if (i > 0)
                    s += Gx[v - 1] * z[v - 1];
                if (i + 1 < nx)
                    s += Gx[v] * z[v + 1];
                if (j > 0)
                    s += Gy[v - nx] * z[v - nx];
                if (j + 1 < ny)
                    s += Gy[v] * z[v + nx];
                if (k > 0)
                    s += Gz[v - pl] * z[v - pl];
                if (k + 1 < nz)
                    s += Gz[v] * z[v + pl];
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
                            "(residual %.3g)",
                            max_it, res);
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
        !(s->pulse_s > 0.0) || !(s->cool_s >= 0.0) || s->pulse_steps < 1 || !(s->grow >= 0.0) ||
        !(s->h_max_mm >= s->h_mm) || !(s->margin_mm > 0.0) || !(s->tip_mm > 0.0) ||
        !(s->dt_max_s > 0.0) || !(s->cg_tol > 0.0) ||
        (s->bipolar && !(s->pair_mm > 2.0 * s->radius_mm)))
        return SCAR_RAISE(ctx, SCAR_EINPUT,
                          "RF sub-grid: expected a needle of radius >= the spacing %g mm "
                          "(found %g mm), reaching deeper than one cell (%g mm), pins further "
                          "apart than their diameter (%g mm), a positive pulse (%g s) and tip "
                          "(%g mm)",
                          s->h_mm, s->radius_mm, s->depth_mm, s->pair_mm, s->pulse_s, s->tip_mm);
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
        st = SCAR_RAISE(ctx, SCAR_EINPUT,
                        "RF sub-grid: no current flows (the conducting tip "
                        "of %g mm lies in no tissue cell)",
                        s->tip_mm);
        goto fail;
    }
    *out = f;
    return SCAR_OK;
fail:
    pot_free(&P);
    scar_rf_field_destroy(&f);
    return st;
}
