/*
 * heal_react.c — the reaction part of MODEL.md §2 over a time span dt, voxel
 * by voxel (no transport).  Each update is exact where the equation is linear
 * with frozen coefficients (damage, inflammation, growth factor, denatured
 * collagen, serum active) and a positivity-preserving Patankar step
 * u_new = (u + dt G) / (1 + dt L/u) elsewhere (§7.1): production G >= 0
 * explicit, loss L >= 0 implicit, so no density can go negative and nothing
 * needs clamping.
 *
 * Fields are stored as departures from the untreated steady state
 * (tissue.h); each voxel's baseline is rebuilt here, the full value updated,
 * and the departure stored back.  The homeostasis constants of §2 (r_0, k_rho,
 * k_e) are taken per voxel from its set point, so the scar floor, with fewer
 * cells and less matrix (§4.1), is a steady state of its own until tracks
 * kill its cells: the share refilled from normal dermis moves the set point
 * towards normal skin (tissue.h floor_now), and the floor is then remodelled
 * towards normal density at the pace of the homeostasis it now has.
 *
 * Responses use c~ = (c - c0)+, the excess over homeostasis (§2, stimulus
 * convention).  The growth-factor equation is written for the departure:
 * dc'/dt = beta_M M + beta_n (n - n_set + m) + sources - delta_c c'; its basal
 * part beta_n n_set = delta_c c0 balances exactly, and positivity of c = c0 + c'
 * follows from n >= 0 and n_set <= n0.
 */
#include "heal_internal.h"

#include <math.h>

/* max without fmax's NaN rules: inlined, where fmax is a library call */
static inline double max2(double a, double b) { return a > b ? a : b; }
#include <omp.h>

/* (e^{-a t} - e^{-b t}) / (b - a), stable when a ~ b (then t e^{-a t}). */
static double exp_diff(double a, double b, double t)
{
    double x = (b - a) * t;
    if (fabs(x) < 1e-8)
        return t * exp(-a * t) * (1.0 - 0.5 * x);
    return exp(-a * t) * (-expm1(-x)) / (b - a);
}

/* A dermis voxel's steady state and the homeostasis constants derived from
 * it (§2.5, §2.7, §2.8), for a scar-floor weight w. */
struct react_base {
    double nb, rb, r3b, r1b, r0, krho, ke, a_fill_rb; /* a_fill / rb */
};
typedef struct react_base react_base;

static react_base base_of(const scar_params *p, double w)
{
    react_base b;
    /* a goal below 0 (f_regrow) raises the matrix set point, not the cells' */
    b.nb = tissue_n_base_w(p, w > 0.0 ? w : 0.0);
    b.rb = tissue_rho_base_w(p, w);
    b.r3b = p->theta3 * b.rb;
    b.r1b = (1.0 - p->theta3) * b.rb;
    b.r0 = p->delta_n / (1.0 - b.nb / p->n_max);
    b.krho = p->delta_rho * b.rb / (b.nb * (1.0 - b.rb / p->rho_max));
    b.ke = p->delta_e * p->e0 / b.nb;
    b.a_fill_rb = p->a_fill / b.rb;
    return b;
}

scar_status heal_react_prepare(scar_ctx *ctx, heal_state *h)
{
    const scar_tissue *t = h->t;
    if (!t->floor_now)
        return SCAR_OK;
    size_t plane = t->g.nx * t->g.ny;
    h->col_base = scar_calloc(ctx, plane, sizeof *h->col_base);
    if (!h->col_base)
        return SCAR_ENOMEM;
    for (size_t col = 0; col < plane; col++)
        h->col_base[col] = base_of(t->p, t->floor_w[col]);
    return SCAR_OK;
}

/* Rate constants that depend only on dt, and the baseline of normal skin
 * (w = 0): their divisions are done once per step, not per voxel.  A floor
 * column's initial set point is in h->col_base; a voxel whose set point
 * tracks have moved (floor_now) computes its own. */
typedef struct react_k {
    double dt, ed, eI, phiI, ec, ec_frac, es;
    react_base b0;
} react_k;

static void react_consts(const scar_params *p, double dt, react_k *k)
{
    k->dt = dt;
    k->ed = exp(-p->k_d * dt);
    k->eI = exp(-p->delta_I * dt);
    k->phiI = p->alpha_I * exp_diff(p->k_d, p->delta_I, dt);
    k->ec = exp(-p->delta_c * dt);
    k->ec_frac = -expm1(-p->delta_c * dt) / p->delta_c;
    k->es = exp(-p->delta_s * dt);
    k->b0 = base_of(p, 0.0);
}

/* One plane k of voxels.  Returns the clamps it needed (none expected) and
 * adds the collagen made and broken down (mg/mL summed over voxels). */
static long react_plane(heal_state *h, size_t k, const react_k *rk, double *synth, double *degr,
                       double amax[HEAL_NDIFF])
{
    const scar_tissue *t = h->t;
    const scar_params *p = t->p;
    const size_t plane = t->g.nx * t->g.ny;
    const double dt = rk->dt;
    double *restrict D = t->f[SCAR_F_D], *restrict I = t->f[SCAR_F_I],
                     *restrict M = t->f[SCAR_F_M], *restrict C = t->f[SCAR_F_C],
                     *restrict N = t->f[SCAR_F_N], *restrict Y = t->f[SCAR_F_MYO],
                     *restrict R3 = t->f[SCAR_F_RHO3], *restrict R1 = t->f[SCAR_F_RHO1],
                     *restrict RD = t->f[SCAR_F_RHOD], *restrict E = t->f[SCAR_F_E],
                     *restrict S = t->f[SCAR_F_S];
    const uint8_t *restrict layer = t->layer;
    const double inv_Mmax = 1.0 / p->M_max, inv_nmax = 1.0 / p->n_max;
    long clamps = 0;
    double syn = 0.0, deg = 0.0, mI = 0.0, mM = 0.0, mC = 0.0, mN = 0.0, mS = 0.0;

    for (size_t col = 0; col < plane; col++) {
        size_t v = k * plane + col;
        uint8_t l = layer[v];
        if (l == SCAR_LAYER_NONE)
            continue;
        /* damage and inflammation: exact (d decays, I is driven by d) */
        double d0 = D[v];
        D[v] = d0 * rk->ed;
        I[v] = I[v] * rk->eI + rk->phiI * d0;
        double Iv = I[v];
        /* macrophages: recruitment alpha_M I (1 - M/M_max)+, removal */
        double m0 = M[v];
        if (m0 < p->M_max)
            M[v] = (m0 + dt * p->alpha_M * Iv) /
                   (1.0 + dt * (p->alpha_M * Iv * inv_Mmax + p->delta_M));
        else
            M[v] = m0 / (1.0 + dt * p->delta_M);
        double Mv = M[v];
        double cp = C[v];                  /* c - c0 */
        double ct = cp > 0.0 ? cp : 0.0;   /* c~ */
        double myo = Y ? Y[v] : 0.0;
        double np = l == SCAR_LAYER_DERMIS ? N[v] : 0.0;
        double np_set = np; /* n - its set point now */

        if (l == SCAR_LAYER_DERMIS) {
            /* S0: the initial baseline the fields are stored against; B:
             * the set point now, whose homeostasis constants drive the
             * reactions (the same until tracks reach a scar floor) */
            /* floor_now only ever falls from the floor weight, towards the
             * column's goal; outside floors it is 0 and stays 0 */
            double w = t->floor_w[col], wn = t->floor_now && w != 0.0 ? (double)t->floor_now[v] : w;
            react_base bn;
            const react_base *S0 = w == 0.0 ? &rk->b0 : &h->col_base[col];
            const react_base *B = wn == w ? S0 : wn == 0.0 ? &rk->b0 : (bn = base_of(p, wn), &bn);
            double nb = S0->nb, eb = p->e0;
            /* saturating responses to c~ (all zero at homeostasis) */
            double s_r = 0.0, s_rho = 0.0, s_3 = 0.0, s_e = 0.0, s_m = 0.0;
            if (ct > 0.0) {
                s_r = ct / (p->K_r + ct);
                s_rho = ct / (p->K_rho + ct);
                s_3 = ct / (p->K_3 + ct);
                s_e = ct / (p->K_e + ct);
                s_m = ct / (p->K_m + ct);
            }
            /* fibroblasts: proliferation under c~, volume filling, no growth
             * in destroyed tissue; apoptosis; differentiation (optional) */
            double n = nb + np;
            double rate = B->r0 + p->r_c * s_r;
            double fill = 1.0 - (n + myo) * inv_nmax;
            if (fill < 0.0)
                fill = 0.0;
            double kdiff = Y ? p->k_nm * s_m : 0.0;
            double n1 = (n + dt * rate * n * fill * (1.0 - d0)) /
                        (1.0 + dt * (p->delta_n + kdiff));
            if (Y) {
                myo = (myo + dt * kdiff * n1) / (1.0 + dt * p->delta_m);
                Y[v] = myo;
            }
            np = n1 - nb;
            N[v] = np;

            /* collagen: synthesis Pi, wound-type III fraction f3, MMP-driven
             * degradation Phi, maturation of excess III into I */
            double r3 = S0->r3b + R3[v], r1 = S0->r1b + R1[v];
            double rho = r1 + r3;
            double sv = S ? S[v] : 0.0;
            double room = 1.0 - rho / p->rho_max;
            if (room < 0.0)
                room = 0.0;
            double serum = S && sv > 0.0 ? p->a_s * sv / (p->K_s + sv) : 0.0;
            /* a matrix deficit below the set point now is refilled faster
             * (a_fill; docs/engine.md "Filling a deficit").  Taken from the
             * stored departures so that it is exactly 0 at homeostasis. */
            double gap = (B->rb - S0->rb) - (R3[v] + R1[v]);
            double refill = gap > 0.0 ? 1.0 + B->a_fill_rb * gap : 1.0;
            double Pi = B->krho * (1.0 + p->a_rho * s_rho) * (1.0 + serum) * refill *
                        (n1 + p->eta_m * myo) * room;
            double f3 = p->theta3 + (p->f3w - p->theta3) * s_3;
            double nex = (n1 - p->n0) / p->n0;
            double Phi = 1.0 + p->a_M * Mv * inv_Mmax + p->a_n * (nex > 0.0 ? nex : 0.0);
            double excess = r3 - p->theta3 * rho;
            double g = excess > 0.0 && r3 > 0.0 ? excess / r3 : 0.0;
            double kdeg = p->delta_rho * Phi;
            double r3n = (r3 + dt * f3 * Pi) / (1.0 + dt * (kdeg + p->k_31 * g));
            double moved = dt * p->k_31 * g * r3n;
            double r1n = (r1 + dt * (1.0 - f3) * Pi + moved) / (1.0 + dt * kdeg);
            syn += dt * Pi;
            deg += dt * kdeg * (r3n + r1n);
            R3[v] = r3n - S0->r3b;
            R1[v] = r1n - S0->r1b;
            np_set = n1 - B->nb;
            if (RD) {
                double rd0 = RD[v];
                RD[v] = rd0 * exp(-p->delta_d * Phi * dt);
                deg += rd0 - RD[v];
            }
            /* elastin: synthesis k_e (1 + a_e c~/(K_e + c~)) n, degradation
             * accelerated by inflammation */
            double e = eb + E[v];
            double e1 = (e + dt * B->ke * (1.0 + p->a_e * s_e) * n1) /
                        (1.0 + dt * p->delta_e * (1.0 + p->a_Me * Mv * inv_Mmax));
            E[v] = e1 - eb;
        }
        /* growth factor departure: exact for frozen sources.  The optional
         * autocrine loop (§2.4, beta_a, off by default) answers the excess
         * c~ like every other response, so untreated skin stays put. */
        double src = p->beta_M * Mv + p->beta_n * (np_set + myo);
        if (p->beta_a > 0.0 && ct > 0.0 && l == SCAR_LAYER_DERMIS)
            src += p->beta_a * (tissue_n_base_at(t, v) + np + myo) * ct / (p->K_a + ct);
        double c1 = cp * rk->ec + src * rk->ec_frac;
        if (c1 < -h->c0) { /* cannot happen when n' >= -n_base; counted */
            c1 = -h->c0;
            clamps++;
        }
        C[v] = c1;
        if (S) {
            S[v] *= rk->es;
            mS = max2(mS, fabs(S[v]));
        }
        mI = max2(mI, fabs(I[v]));
        mM = max2(mM, fabs(M[v]));
        mC = max2(mC, fabs(c1));
        mN = max2(mN, fabs(np));
    }
    *synth += syn;
    *degr += deg;
    amax[0] = mI;
    amax[1] = mM;
    amax[2] = mC;
    amax[3] = mN;
    amax[4] = mS;
    return clamps;
}

/* Pore uptake: each voxel of a session's tracks relaxes towards c_app at
 * rate k_p P A_pore chi / V_track; P is taken at the middle of the span. */
static void pore_sources(heal_state *h, double t0, double dt)
{
    for (size_t q = 0; q < h->npores; q++) {
        heal_pore_source *s = &h->pores[q];
        double a = t0 > s->t_on ? t0 : s->t_on, b = t0 + dt < s->t_off ? t0 + dt : s->t_off;
        if (b <= a)
            continue;
        double tm = 0.5 * (a + b);
        double P = exp2(-(tm - s->t_open) / s->t_half);
        double *u = h->t->f[s->field];
        double base = s->field == SCAR_F_C ? h->c0 : 0.0;
        double target = s->c_app - base;
        for (size_t i = 0; i < s->vox.n; i++) {
            size_t v = s->vox.v[i].v;
            double lam = s->rate * P * s->vox.v[i].chi;
            u[v] = target + (u[v] - target) * exp(-lam * (b - a));
        }
    }
}

/* Bolus release: amount (e^{-(a-t0)/tau} - e^{-(b-t0)/tau}) over [a, b]. */
static void bolus_sources(heal_state *h, double t0, double dt)
{
    for (size_t q = 0; q < h->nboluses; q++) {
        heal_bolus_source *s = &h->boluses[q];
        double a = t0 > s->t0 ? t0 : s->t0, b = t0 + dt;
        if (b <= a)
            continue;
        double rel = s->amount * (exp(-(a - s->t0) / s->tau_rel) - exp(-(b - s->t0) / s->tau_rel));
        double *u = h->t->f[s->field];
        for (size_t i = 0; i < s->vox.n; i++)
            u[s->vox.v[i].v] += rel * s->vox.v[i].chi;
    }
}

void heal_react(heal_state *h, double t0, double dt)
{
    const scar_grid *g = &h->t->g;
    react_k rk;
    react_consts(h->t->p, dt, &rk);
    pore_sources(h, t0, dt);
    bolus_sources(h, t0, dt);
    long clamps = 0;
    /* Sums per plane, added in plane order afterwards: the same numbers for
     * any thread count and schedule.  Planes are dealt out one by one: the
     * dermis planes cost several times the subcutis ones, and halves of the
     * grid left one thread waiting (the reference course's reactions took
     * 48.0 s with halves, 32.8 s dealt out). */
    double *syn = h->plane_acc, *deg = h->plane_acc + g->nz, *amax = h->plane_max;
#pragma omp parallel for schedule(static, 1) num_threads(h->threads) reduction(+ : clamps)
    for (size_t k = 0; k < g->nz; k++) {
        syn[k] = deg[k] = 0.0;
        clamps += react_plane(h, k, &rk, &syn[k], &deg[k], amax + HEAL_NDIFF * k);
    }
    /* the largest magnitude of each transported field's departure (a max
     * does not depend on the order of reduction) */
    for (int f = 0; f < HEAL_NDIFF; f++) {
        double m = 0.0;
        for (size_t k = 0; k < g->nz; k++)
            m = max2(m, amax[HEAL_NDIFF * k + (size_t)f]);
        h->field_max[f] = m;
    }
    double vox_mL = g->h_mm * g->h_mm * g->h_mm * 1e-3; /* mm^3 -> mL */
    for (size_t k = 0; k < g->nz; k++) {
        h->stats.collagen_synth_mg += syn[k] * vox_mL;
        h->stats.collagen_degr_mg += deg[k] * vox_mL;
    }
    h->stats.clamps += clamps;
    heal_epidermis(h, dt);
}

/* Epidermal thickness (§2.9): h_e relaxes towards h_e0 (1 + a_h cbar/(K_h +
 * cbar)) with time constant tau_e, cbar the mean c~ over the papillary layer
 * h_e0 <= z' < h_e0 + z_pap below the local surface.  Exact for frozen cbar. */
void heal_epidermis(heal_state *h, double dt)
{
    const scar_tissue *t = h->t;
    const scar_params *p = t->p;
    const scar_grid *g = &t->g;
    size_t plane = g->nx * g->ny;
    const double *C = t->f[SCAR_F_C];
    double decay = exp(-dt / p->tau_e);
#pragma omp parallel for schedule(static) num_threads(h->threads)
    for (size_t col = 0; col < plane; col++) {
        double zs = tissue_surface_z(t, col), sum = 0.0;
        int cnt = 0;
        for (size_t k = (size_t)t->col_top[col]; k < g->nz; k++) {
            double zp = g->z0_mm + ((double)k + 0.5) * g->h_mm - zs;
            if (zp < t->h_e0)
                continue;
            if (zp >= t->h_e0 + p->z_pap)
                break;
            double c = C[k * plane + col];
            sum += c > 0.0 ? c : 0.0;
            cnt++;
        }
        double cbar = cnt ? sum / cnt : 0.0;
        double target = t->h_e0 * p->a_h * cbar / (p->K_h + cbar);
        t->dh_e[col] = target + (t->dh_e[col] - target) * decay;
    }
}
