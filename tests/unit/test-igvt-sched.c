/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of igvt's GPU sharing policy (sched-policy.h), on a small
 * discrete-event model of the GPU: busy vGPUs get GPU time in proportion
 * to their weights whatever their workloads cost, also when they pause
 * briefly between workloads as real guests do; an idle vGPU cannot save
 * up time; and one vGPU's long workloads (up to the watchdog) delay the
 * others by at most one workload.
 */

#include "qemu/osdep.h"
#include "hw/display/igvt/sched-policy.h"

#define MAX_VGPUS   4
#define MS          (1000 * 1000ull)

typedef struct Sim {
    int n;
    uint64_t now;
    uint64_t floor;                 /* virtual time of the last pick */
    IgvtSchedVgpu v[MAX_VGPUS];
    unsigned weight[MAX_VGPUS];
    uint64_t cost[MAX_VGPUS];       /* ns per workload */
    uint64_t gap[MAX_VGPUS];        /* ns from one's end to the next */
    uint64_t ready_at[MAX_VGPUS];   /* UINT64_MAX: never again */
    uint64_t used[MAX_VGPUS];       /* GPU time received */
    uint64_t runs[MAX_VGPUS];
    uint64_t waited;                /* GPU idle while work was ready */
} Sim;

static void sim_add(Sim *s, unsigned weight, uint64_t cost, uint64_t gap)
{
    int i = s->n++;

    s->weight[i] = weight;
    s->cost[i] = cost;
    s->gap[i] = gap;
    s->ready_at[i] = s->now;
    s->v[i].vtime = s->floor;
}

/* vGPUs whose next workload is due become runnable */
static void sim_submit(Sim *s)
{
    int i;

    for (i = 0; i < s->n; i++) {
        if (!s->v[i].runnable && s->ready_at[i] <= s->now) {
            s->v[i].vtime = igvt_sched_wake(s->v[i].vtime, s->v[i].idle_since,
                                            s->now, s->floor);
            s->v[i].runnable = true;
        }
    }
}

/* Run the model until @until */
static void sim_run(Sim *s, uint64_t until)
{
    while (s->now < until) {
        uint64_t wait, next = UINT64_MAX;
        bool any_ready = false;
        int i, p;

        sim_submit(s);
        p = igvt_sched_pick(s->v, s->n, s->now, &wait);
        if (p >= 0) {
            s->floor = s->v[p].vtime;
            s->now += s->cost[p];
            s->v[p].vtime = igvt_sched_charge(s->v[p].vtime, s->cost[p],
                                              s->weight[p]);
            s->v[p].runnable = false;
            s->v[p].idle_since = s->now;
            s->ready_at[p] = s->gap[p] == UINT64_MAX ? UINT64_MAX :
                             s->now + s->gap[p];
            s->used[p] += s->cost[p];
            s->runs[p]++;
            continue;
        }
        /* Nothing runs: until a submission, or the end of the wait */
        for (i = 0; i < s->n; i++) {
            if (s->v[i].runnable) {
                any_ready = true;
            } else {
                next = MIN(next, s->ready_at[i]);
            }
        }
        if (wait) {
            next = MIN(next, s->now + wait);
        }
        if (next == UINT64_MAX) {
            return;
        }
        if (any_ready) {
            s->waited += next - s->now;
        }
        s->now = MAX(next, s->now + 1);
    }
}

/* GPU time of @a over @b, against the expected ratio (within 3%) */
static void assert_share(Sim *s, int a, int b, double want)
{
    double got = (double)s->used[a] / s->used[b];

    g_assert_cmpfloat(got, >, want * 0.97);
    g_assert_cmpfloat(got, <, want * 1.03);
}

static void test_pick(void)
{
    IgvtSchedVgpu v[3] = {
        { .vtime = 5, .runnable = true },
        { .vtime = 3, .runnable = true },
        { .vtime = 3, .runnable = true },
    };
    uint64_t wait;

    g_assert_cmpint(igvt_sched_pick(v, 3, 100, &wait), ==, 1);
    g_assert_cmpuint(wait, ==, 0);
    v[1].runnable = false;
    g_assert_cmpint(igvt_sched_pick(v, 3, 100, &wait), ==, 2);
    v[2].runnable = false;
    g_assert_cmpint(igvt_sched_pick(v, 3, 100, &wait), ==, 0);
    v[0].runnable = false;
    g_assert_cmpint(igvt_sched_pick(v, 3, 100, &wait), ==, -1);
    g_assert_cmpuint(wait, ==, 0);
    g_assert_cmpint(igvt_sched_pick(v, 0, 100, &wait), ==, -1);

    /* vGPU 1 ran out of work just now and is owed time: wait for it */
    v[0].runnable = true;
    v[1].idle_since = 100;
    g_assert_cmpint(igvt_sched_pick(v, 3, 100 + 1000, &wait), ==, -1);
    g_assert_cmpuint(wait, ==, IGVT_SCHED_ANTICIPATE_NS - 1000);
    /* ... but not past the window */
    g_assert_cmpint(igvt_sched_pick(v, 3, 100 + IGVT_SCHED_ANTICIPATE_NS,
                                    &wait), ==, 0);
    /* ... and not when it is not owed anything */
    v[1].vtime = 9;
    g_assert_cmpint(igvt_sched_pick(v, 3, 200, &wait), ==, 0);

    /* Charges scale inversely with the weight and never overflow */
    g_assert_cmpuint(igvt_sched_charge(0, 4000, 16), ==, 4000);
    g_assert_cmpuint(igvt_sched_charge(0, 4000, 1), ==, 64000);
    g_assert_cmpuint(igvt_sched_charge(0, 10, 16), ==,
                     IGVT_SCHED_MIN_CHARGE_NS);
    g_assert_cmpuint(igvt_sched_charge(0, UINT64_MAX, 1), <, UINT64_MAX);
}

static void test_equal_weights(void)
{
    Sim s = { 0 };

    sim_add(&s, 4, 50000, 0);
    sim_add(&s, 4, 50000, 0);
    sim_run(&s, 1000 * MS);
    assert_share(&s, 0, 1, 1.0);
}

static void test_weights(void)
{
    Sim s = { 0 };

    sim_add(&s, 8, 50000, 0);
    sim_add(&s, 4, 50000, 0);
    sim_add(&s, 2, 50000, 0);
    sim_run(&s, 1000 * MS);
    assert_share(&s, 0, 1, 2.0);
    assert_share(&s, 1, 2, 2.0);
}

/* Shares are of time, not of workloads: long workloads run less often */
static void test_costs(void)
{
    Sim s = { 0 };

    sim_add(&s, 4, 1 * MS, 0);
    sim_add(&s, 4, 10000, 0);
    sim_run(&s, 2000 * MS);
    assert_share(&s, 0, 1, 1.0);
    g_assert_cmpuint(s.runs[1], >, 90 * s.runs[0]);
}

/*
 * Busy guests pause between workloads (interrupt, then the next ELSP);
 * the weights still hold, and the GPU idles only for those short pauses.
 */
static void test_gaps(void)
{
    Sim s = { 0 };

    sim_add(&s, 8, 10 * MS, 300 * 1000);
    sim_add(&s, 2, 10 * MS, 300 * 1000);
    sim_run(&s, 4000 * MS);
    assert_share(&s, 0, 1, 4.0);
    g_assert_cmpuint(s.waited, <, s.now / 20);
}

/* Workloads too short to measure still share by weight, per workload */
static void test_min_charge(void)
{
    IgvtSchedVgpu v[2] = {
        { .runnable = true }, { .runnable = true },
    };
    const unsigned weight[2] = { 4, 1 };
    unsigned runs[2] = { 0 };
    uint64_t wait;
    int i;

    while (runs[0] + runs[1] < 5000) {
        i = igvt_sched_pick(v, 2, 0, &wait);
        g_assert_cmpint(i, >=, 0);
        v[i].vtime = igvt_sched_charge(v[i].vtime, 0, weight[i]);
        runs[i]++;
    }
    g_assert_cmpuint(runs[0], >=, 3995);
    g_assert_cmpuint(runs[0], <=, 4005);
}

/* A vGPU idle for a long time gets no burst when it wakes */
static void test_wake(void)
{
    Sim s = { 0 };
    uint64_t before;

    sim_add(&s, 4, 50000, 0);
    sim_add(&s, 4, 50000, 0);
    s.ready_at[1] = 500 * MS;
    sim_run(&s, 500 * MS);
    g_assert_cmpuint(s.used[1], ==, 0);

    /* vGPU 1 wakes: from now on the two alternate */
    before = s.used[0];
    sim_run(&s, 600 * MS);
    g_assert_cmpuint(s.used[0] - before, >=, 49 * MS);
    g_assert_cmpuint(s.used[1], >=, 49 * MS);
    /* Waking never moves a vGPU's clock back */
    g_assert_cmpuint(igvt_sched_wake(7, 0, 100, 3), ==, 7);
    /* ... and a short pause keeps what it is owed */
    g_assert_cmpuint(igvt_sched_wake(7, 90, 100, 50), ==, 7);
    g_assert_cmpuint(igvt_sched_wake(7, 0, 100, 50), ==, 50);
}

/*
 * A vGPU whose every workload runs into the watchdog (a hung guest, with
 * the highest weight) cannot starve another of the lowest: never two of
 * its workloads while the other waits, and shares still by weight.
 */
static void test_hog(void)
{
    IgvtSchedVgpu v[2] = {
        { .runnable = true }, { .runnable = true },
    };
    const unsigned weight[2] = { 16, 1 };
    const uint64_t cost[2] = { 50 * MS, 20000 };   /* runaway, 20 us */
    uint64_t used[2] = { 0 }, wait;
    int i, p, last = -1, streak = 0;

    for (i = 0; i < 100000; i++) {
        p = igvt_sched_pick(v, 2, 0, &wait);
        g_assert_cmpint(p, >=, 0);
        v[p].vtime = igvt_sched_charge(v[p].vtime, cost[p], weight[p]);
        used[p] += cost[p];
        streak = p == last ? streak + 1 : 1;
        last = p;
        /* Never two runaway batches back to back while B has work */
        g_assert_true(p != 0 || streak == 1);
    }
    g_assert_cmpfloat((double)used[0] / used[1], >, 16 * 0.97);
    g_assert_cmpfloat((double)used[0] / used[1], <, 16 * 1.03);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/igvt/sched/pick", test_pick);
    g_test_add_func("/igvt/sched/equal-weights", test_equal_weights);
    g_test_add_func("/igvt/sched/weights", test_weights);
    g_test_add_func("/igvt/sched/costs", test_costs);
    g_test_add_func("/igvt/sched/gaps", test_gaps);
    g_test_add_func("/igvt/sched/min-charge", test_min_charge);
    g_test_add_func("/igvt/sched/wake", test_wake);
    g_test_add_func("/igvt/sched/hog", test_hog);
    return g_test_run();
}
