/*
 * thermal_solve.c — RF microneedling on a local sub-grid (MODEL.md §5.4),
 * part 2: the Pennes bioheat equation through the pulse and the cooling,
 * the Arrhenius integrals, and the lesion they leave.  The grid and the
 * Joule heating come from thermal_field.c.
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
#include "thermal_internal.h"

#include <math.h>

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
    double *lg[4];       /* per column: deposited, to the surface, to the deep face, perfusion, J */
} heat;

static void heat_free(heat *H)
{
    double **all[] = {&H->C,       &H->K[0],   &H->K[1],   &H->K[2],  &H->Kt,    &H->Kb,
                      &H->Pf,      &H->T,      &H->T0,     &H->Tmax,  &H->q,     &H->om_cell,
                      &H->om_coll, &H->r_cell, &H->r_coll, &H->im[0], &H->im[1], &H->im[2],
                      &H->ew[0],   &H->ew[1],  &H->ew[2],  &H->lg[0], &H->lg[1], &H->lg[2],
                      &H->lg[3],   &H->Ay,     &H->Az,     &H->W};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        free(*all[i]);
        *all[i] = NULL;
    }
}

/* Thermal properties of a cell: k (W/m/K) and rho c (J/m^3/K). */
static void props(const scar_rf_field *f, const scar_params *p, size_t v, bool needle_in, double *k,
                  double *rc)
{
    if (needle_in && f->needle[v] != SCAR_RF_TISSUE) {
        *k = f->spec.k_needle;
        *rc = f->spec.rhoc_needle;
        return;
    }
    switch (f->layer[v]) {
    case SCAR_RF_EPI:
        *k = p->k_epi;
        *rc = p->rho_t * p->c_epi;
        break;
    case SCAR_RF_DERM:
        *k = p->k_derm;
        *rc = p->rho_t * p->c_derm;
        break;
    default:
        *k = p->k_fat;
        *rc = p->rho_t * p->c_fat;
        break;
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
                bool vessels =
                    f->layer[v] != SCAR_RF_EPI && (!needle_in || f->needle[v] == SCAR_RF_TISSUE);
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
    double b =
        H->C[v] / dt + (m > 0 ? H->K[d][v - stride] : 0.0) + (m + 1 < len ? H->K[d][v] : 0.0);
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

/* One backward-Euler step by the Douglas ADI scheme (Douglas & Gunn 1964):
 *   (C/dt - L_x) u1 = C/dt u + L_y u + L_z u + c_z + q
 *   (C/dt - L_y) u2 = C/dt u1 - L_y u
 *   (C/dt - L_z) u' = C/dt u2 - L_z u
 * with L_z carrying the sinks of the surface, the deep face and the
 * perfusion on its diagonal and c_z their constant parts.  Summed:
 * C (u' - u)/dt = L_x u1 + L_y u2 + L_z u' + c_z + q, so every face's flux
 * leaves one cell for another (conservative) and only the z faces carry
 * boundary fluxes, at u'.  Unlike LOD it keeps a steady state exactly: the
 * quasi-steady balance at the electrode's edge between Joule heat and
 * conduction into the steel needle does not lag by a step (with LOD the
 * peak temperature converged only like sqrt(dt)).  Stiff modes (steel
 * cells, diffusion number ~25 at the pulse's step) are damped poorly by
 * this scheme, hence the short pulse steps.
 *
 * Four passes, each one parallel region: the right-hand side of stage 1
 * (planes), the x solves with stage 2's right-hand side (lines), the y
 * solves with stage 3's (planes), the z solves with the energy book and
 * the Arrhenius update (column chunks). */
static void heat_step(const scar_rf_field *f, const scar_params *p, heat *H, double dt,
                      double qscale, const scar_arrhenius *ac, const scar_arrhenius *ad, int nt)
{
    const scar_subgrid *g = &f->g;
    size_t nx = g->nx, ny = g->ny, nz = g->nz, pl = nx * ny;
    if (dt != H->dt_fac)
        factor(f, H, dt, nt);
    double T_a = p->T_a, T_amb = p->T_amb, idt = 1.0 / dt;
    const double *C = H->C, *Ky = H->K[1], *Kz = H->K[2], *Kx = H->K[0];
    double *T = H->T, *W = H->W, *Ay = H->Ay, *Az = H->Az;
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t k = 0; k < nz; k++)
        for (size_t j = 0; j < ny; j++)
            for (size_t i = 0; i < nx; i++) {
                size_t v = (k * ny + j) * nx + i, c = j * nx + i;
                double ay = 0.0, az = -H->Pf[v] * T[v], cz = H->Pf[v] * T_a;
                if (j > 0)
                    ay += Ky[v - nx] * (T[v - nx] - T[v]);
                if (j + 1 < ny)
                    ay += Ky[v] * (T[v + nx] - T[v]);
                if (k > 0)
                    az += Kz[v - pl] * (T[v - pl] - T[v]);
                if (k + 1 < nz)
                    az += Kz[v] * (T[v + pl] - T[v]);
                if (k == 0) {
                    az -= H->Kt[c] * T[v];
                    cz += H->Kt[c] * T_amb;
                }
                if (k + 1 == nz) {
                    az -= H->Kb[c] * T[v];
                    cz += H->Kb[c] * T_a;
                }
                Ay[v] = ay;
                Az[v] = az;
                W[v] = C[v] * idt * T[v] + ay + az + cz + qscale * H->q[v];
            }
    /* stage 1 along x; then stage 2's right-hand side */
    {
        const double *im = H->im[0], *ew = H->ew[0];
#pragma omp parallel for num_threads(nt) schedule(static)
        for (size_t L = 0; L < ny * nz; L++) {
            size_t o = L * nx;
            double *r = W + o;
            r[0] *= im[o];
            for (size_t i = 1; i < nx; i++)
                r[i] = (r[i] + Kx[o + i - 1] * r[i - 1]) * im[o + i];
            for (size_t i = nx - 1; i-- > 0;)
                r[i] += ew[o + i] * r[i + 1];
            for (size_t i = 0; i < nx; i++)
                r[i] = C[o + i] * idt * r[i] - Ay[o + i];
        }
    }
    /* stage 2 along y, all lines of a plane at once; then stage 3's rhs */
    {
        const double *im = H->im[1], *ew = H->ew[1];
#pragma omp parallel for num_threads(nt) schedule(static)
        for (size_t k = 0; k < nz; k++) {
            double *w = W + k * pl;
            const double *K = Ky + k * pl, *m = im + k * pl, *e = ew + k * pl;
            for (size_t i = 0; i < nx; i++)
                w[i] *= m[i];
            for (size_t j = 1; j < ny; j++)
                for (size_t i = j * nx; i < (j + 1) * nx; i++)
                    w[i] = (w[i] + K[i - nx] * w[i - nx]) * m[i];
            for (size_t j = ny - 1; j-- > 0;)
                for (size_t i = j * nx; i < (j + 1) * nx; i++)
                    w[i] += e[i] * w[i + nx];
            const double *c = C + k * pl, *az = Az + k * pl;
            for (size_t i = 0; i < pl; i++)
                w[i] = c[i] * idt * w[i] - az[i];
        }
    }
    /* stage 3 along z, columns in chunks; the book; Omega */
    {
        const double *im = H->im[2], *ew = H->ew[2];
        size_t chunk = 128, nchunks = (pl + chunk - 1) / chunk;
#pragma omp parallel for num_threads(nt) schedule(static)
        for (size_t ch = 0; ch < nchunks; ch++) {
            size_t c0 = ch * chunk, c1 = c0 + chunk < pl ? c0 + chunk : pl;
            for (size_t c = c0; c < c1; c++)
                W[c] *= im[c];
            for (size_t k = 1; k < nz; k++)
                for (size_t v = k * pl + c0; v < k * pl + c1; v++)
                    W[v] = (W[v] + Kz[v - pl] * W[v - pl]) * im[v];
            for (size_t k = nz - 1; k-- > 0;)
                for (size_t v = k * pl + c0; v < k * pl + c1; v++)
                    W[v] += ew[v] * W[v + pl];
            for (size_t c = c0; c < c1; c++) {
                double dep = 0.0, perf = 0.0;
                for (size_t v = c; v < nz * pl; v += pl) {
                    dep += qscale * H->q[v];
                    perf += H->Pf[v] * (W[v] - T_a);
                }
                H->lg[0][c] += dep * dt;
                H->lg[1][c] += H->Kt[c] * (W[c] - T_amb) * dt;
                H->lg[2][c] += H->Kb[c] * (W[(nz - 1) * pl + c] - T_a) * dt;
                H->lg[3][c] += perf * dt;
            }
            for (size_t k = 0; k < nz; k++)
                for (size_t v = k * pl + c0; v < k * pl + c1; v++) {
                    double Tn = W[v];
                    double rc = scar_arrhenius_rate(ac, Tn), rd = scar_arrhenius_rate(ad, Tn);
                    H->om_cell[v] = scar_omega_add(H->om_cell[v], 0.5 * (H->r_cell[v] + rc) * dt);
                    H->om_coll[v] = scar_omega_add(H->om_coll[v], 0.5 * (H->r_coll[v] + rd) * dt);
                    H->r_cell[v] = rc;
                    H->r_coll[v] = rd;
                    if (Tn > H->Tmax[v])
                        H->Tmax[v] = Tn;
                    T[v] = Tn;
                }
        }
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
    double **cell[] = {&H->C,      &H->K[0],  &H->K[1],  &H->K[2],    &H->Pf,      &H->T,
                       &H->T0,     &H->Tmax,  &H->q,     &H->om_cell, &H->om_coll, &H->r_cell,
                       &H->r_coll, &H->im[0], &H->im[1], &H->im[2],   &H->ew[0],   &H->ew[1],
                       &H->ew[2],  &H->Ay,    &H->Az,    &H->W};
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

/* The cells of the solved part that belong to the + pin's surroundings
 * (the whole box of a bipolar pair holds the partner's half too), and how
 * many mirror images of that part make up the pin's surroundings. */
static bool own_cell(const scar_rf_field *f, size_t i)
{
    return !(f->spec.full_domain && f->spec.bipolar && f->g.x[i + 1] <= 0.0);
}

static double own_copies(const scar_rf_field *f)
{
    return f->spec.full_domain ? 1.0 : f->spec.bipolar ? 2.0 : 4.0;
}

/* Extents and volume (per pin) of the zone where u >= thr (tissue cells
 * only). */
static void zone(const scar_rf_field *f, const double *u, double thr, double *top, double *bottom,
                 double *width, double *vol)
{
    const scar_subgrid *g = &f->g;
    double zt = INFINITY, zb = -INFINITY, ylo = INFINITY, yhi = -INFINITY, V = 0.0;
    for (size_t k = 0; k < g->nz; k++)
        for (size_t j = 0; j < g->ny; j++)
            for (size_t i = 0; i < g->nx; i++) {
                size_t v = IDX(g, i, j, k);
                if (f->needle[v] != SCAR_RF_TISSUE || !(u[v] >= thr) || !own_cell(f, i))
                    continue;
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
    *vol = V * own_copies(f);
}

static void lesion_stats(const scar_rf_field *f, const heat *H, scar_lesion *l)
{
    const scar_subgrid *g = &f->g;
    scar_lesion_stats *S = &l->stats;
    zone(f, l->dmg, 1.0 - exp(-1.0), &S->coag_top_mm, &S->coag_bottom_mm, &S->coag_width_mm,
         &S->coag_vol_mm3);
    zone(f, l->den, 1.0 - exp(-1.0), &S->den_top_mm, &S->den_bottom_mm, &S->den_width_mm,
         &S->den_vol_mm3);
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
                if (l->dmg[v] > SCAR_RIM_LOW && l->dmg[v] < SCAR_RIM_HIGH && own_cell(f, i))
                    rim += cell_d(g, 0, i) * cell_d(g, 1, j) * cell_d(g, 2, k);
                if (f->layer[v] == SCAR_RF_EPI) {
                    S->epi_damage_max = fmax(S->epi_damage_max, l->dmg[v]);
                    S->epi_dT_max = fmax(S->epi_dT_max, H->Tmax[v] - H->T0[v]);
                }
            }
    S->rim_vol_mm3 = rim * own_copies(f);
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
                          "along an axis, found %g mJ, %zu x %zu x %zu",
                          energy_mJ, g->nx, g->ny, g->nz);
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
    double P1 = f->power_W * per_pin;                     /* W per pin at 1 V */
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
        heat_step(f, p, &H, dt, V2, &ac, &ad, nt);
    }
    add_ledger(f, &H, e);
    out->stats.e_held_pulse_J = held(f, &H) * per_pin;
    out->stats.e_lost_pulse_J = (e[1] + e[2] + e[3]) * per_pin;
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
        heat_step(f, p, &H, step, 0.0, &ac, &ad, nt);
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
    lesion_stats(f, &H, out);
    lesion_reach(f, out);
    out->stats.seconds = scar_now_s() - t0;
    heat_free(&H);
    return SCAR_OK;
fail:
    heat_free(&H);
    scar_lesion_free(out);
    return st;
}
