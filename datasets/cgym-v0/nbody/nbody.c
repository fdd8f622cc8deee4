/* nbody: gravitational N-body simulation of a made-up planetary system (a
 * star, five planets on near-circular orbits, and a comet) with a
 * kick-drift-kick leapfrog integrator, momentum correction, and energy /
 * angular-momentum drift reports. Results are printed rounded.
 * Part of the cgym-v0 benchmark suite. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#define NB 7
#define G 1.0

typedef struct {
    double x[3], v[3], a[3];
    double m;
} body;

static body sys[NB];

static void init_system(void)
{
    const double star_mass = 1000.0;
    const double radius[5] = {3.0, 5.5, 8.0, 13.0, 21.0};
    const double mass[5] = {0.05, 0.3, 0.2, 2.5, 1.2};
    const double phase[5] = {0.0, 1.1, 2.3, 4.0, 5.2};
    sys[0].m = star_mass;
    for (int k = 0; k < 3; k++)
        sys[0].x[k] = sys[0].v[k] = 0.0;
    for (int i = 0; i < 5; i++) {
        body *b = &sys[i + 1];
        double r = radius[i], speed = sqrt(G * star_mass / r);
        b->m = mass[i];
        b->x[0] = r * cos(phase[i]);
        b->x[1] = r * sin(phase[i]);
        b->x[2] = 0.05 * r * sin(2.0 * phase[i]);
        b->v[0] = -speed * sin(phase[i]);
        b->v[1] = speed * cos(phase[i]);
        b->v[2] = 0.0;
    }
    body *c = &sys[6]; /* eccentric comet */
    c->m = 0.001;
    c->x[0] = 30.0;
    c->x[1] = 0.0;
    c->x[2] = 2.0;
    c->v[0] = 0.0;
    c->v[1] = 2.5;
    c->v[2] = 0.1;
    /* remove net momentum by adjusting the star */
    double p[3] = {0, 0, 0};
    for (int i = 1; i < NB; i++)
        for (int k = 0; k < 3; k++)
            p[k] += sys[i].m * sys[i].v[k];
    for (int k = 0; k < 3; k++)
        sys[0].v[k] = -p[k] / sys[0].m;
}

static void accelerations(void)
{
    for (int i = 0; i < NB; i++)
        for (int k = 0; k < 3; k++)
            sys[i].a[k] = 0.0;
    for (int i = 0; i < NB; i++)
        for (int j = i + 1; j < NB; j++) {
            double d[3], r2 = 0.0;
            for (int k = 0; k < 3; k++) {
                d[k] = sys[j].x[k] - sys[i].x[k];
                r2 += d[k] * d[k];
            }
            double r = sqrt(r2);
            double inv3 = G / (r2 * r);
            for (int k = 0; k < 3; k++) {
                sys[i].a[k] += d[k] * sys[j].m * inv3;
                sys[j].a[k] -= d[k] * sys[i].m * inv3;
            }
        }
}

static void step(double dt)
{
    for (int i = 0; i < NB; i++)
        for (int k = 0; k < 3; k++)
            sys[i].v[k] += 0.5 * dt * sys[i].a[k];
    for (int i = 0; i < NB; i++)
        for (int k = 0; k < 3; k++)
            sys[i].x[k] += dt * sys[i].v[k];
    accelerations();
    for (int i = 0; i < NB; i++)
        for (int k = 0; k < 3; k++)
            sys[i].v[k] += 0.5 * dt * sys[i].a[k];
}

static double energy(void)
{
    double e = 0.0;
    for (int i = 0; i < NB; i++) {
        double v2 = 0.0;
        for (int k = 0; k < 3; k++)
            v2 += sys[i].v[k] * sys[i].v[k];
        e += 0.5 * sys[i].m * v2;
        for (int j = i + 1; j < NB; j++) {
            double r2 = 0.0;
            for (int k = 0; k < 3; k++) {
                double d = sys[i].x[k] - sys[j].x[k];
                r2 += d * d;
            }
            e -= G * sys[i].m * sys[j].m / sqrt(r2);
        }
    }
    return e;
}

static double angular_momentum_z(void)
{
    double lz = 0.0;
    for (int i = 0; i < NB; i++)
        lz += sys[i].m * (sys[i].x[0] * sys[i].v[1] - sys[i].x[1] * sys[i].v[0]);
    return lz;
}

/* value rounded to 'digits' decimals, never printed as negative zero */
static void print_rounded(const char *label, double x, int digits)
{
    double scale = 1.0;
    for (int i = 0; i < digits; i++)
        scale *= 10.0;
    long long m = llround(x * scale);
    long long whole = (m < 0 ? -m : m) / (long long)scale, frac = (m < 0 ? -m : m) % (long long)scale;
    printf("%s%s%lld.%0*lld\n", label, m < 0 ? "-" : "", whole, digits, frac);
}

int main(void)
{
    init_system();
    accelerations();
    double e0 = energy(), l0 = angular_momentum_z();
    print_rounded("initial energy:   ", e0, 6);
    print_rounded("initial L_z:      ", l0, 6);
    const double dt = 0.001;
    uint32_t checksum = 0;
    for (int block = 1; block <= 4; block++) {
        for (int s = 0; s < 1000; s++)
            step(dt);
        double e = energy();
        printf("t=%d: ", block);
        print_rounded("energy ", e, 6);
        checksum = checksum * 31u + (uint32_t)llround(e * 1000.0);
    }
    double e1 = energy(), l1 = angular_momentum_z();
    printf("relative energy drift < 1e-6: %s\n", fabs((e1 - e0) / e0) < 1e-6 ? "yes" : "NO");
    printf("relative L_z drift < 1e-9: %s\n", fabs((l1 - l0) / l0) < 1e-9 ? "yes" : "NO");
    for (int i = 0; i < NB; i++) {
        double r = sqrt(sys[i].x[0] * sys[i].x[0] + sys[i].x[1] * sys[i].x[1] +
                        sys[i].x[2] * sys[i].x[2]);
        printf("body %d: ", i);
        print_rounded("distance from origin ", r, 3);
        checksum = checksum * 31u + (uint32_t)llround(r * 100.0);
    }
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
