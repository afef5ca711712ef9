/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of igvt's GPU sharing policy (sched-policy.h): busy vGPUs
 * get GPU time in proportion to their weights whatever their workloads
 * cost, an idle vGPU cannot save up time, and one vGPU's long workloads
 * (up to the watchdog) delay the others by at most one workload.
 */

#include "qemu/osdep.h"
#include "hw/display/igvt/sched-policy.h"

#define MAX_VGPUS   4

typedef struct Sim {
    int n;
    unsigned weight[MAX_VGPUS];
    uint64_t cost[MAX_VGPUS];       /* ns per workload */
    bool runnable[MAX_VGPUS];
    uint64_t vtime[MAX_VGPUS];
    uint64_t used[MAX_VGPUS];       /* GPU time received */
    uint64_t runs[MAX_VGPUS];
    uint64_t now;                   /* virtual time of the last pick */
} Sim;

/* Run the GPU until @budget ns of work are done; returns picks made */
static unsigned sim_run(Sim *s, uint64_t budget)
{
    uint64_t spent = 0;
    unsigned picks = 0;

    while (spent < budget) {
        int i = igvt_sched_pick(s->vtime, s->runnable, s->n);

        if (i < 0) {
            break;
        }
        s->now = s->vtime[i];
        s->vtime[i] = igvt_sched_charge(s->vtime[i], s->cost[i],
                                        s->weight[i]);
        s->used[i] += s->cost[i];
        s->runs[i]++;
        spent += s->cost[i];
        picks++;
    }
    return picks;
}

static void sim_add(Sim *s, unsigned weight, uint64_t cost)
{
    s->weight[s->n] = weight;
    s->cost[s->n] = cost;
    s->runnable[s->n] = true;
    s->vtime[s->n] = s->now;
    s->n++;
}

/* GPU time of @a over @b, against the expected ratio */
static void assert_share(Sim *s, int a, int b, double want)
{
    double got = (double)s->used[a] / s->used[b];

    g_assert_cmpfloat(got, >, want * 0.98);
    g_assert_cmpfloat(got, <, want * 1.02);
}

static void test_equal_weights(void)
{
    Sim s = { 0 };

    sim_add(&s, 4, 50000);
    sim_add(&s, 4, 50000);
    sim_run(&s, 1000 * 1000 * 1000);
    assert_share(&s, 0, 1, 1.0);
}

static void test_weights(void)
{
    Sim s = { 0 };

    sim_add(&s, 8, 50000);
    sim_add(&s, 4, 50000);
    sim_add(&s, 2, 50000);
    sim_run(&s, 1000 * 1000 * 1000);
    assert_share(&s, 0, 1, 2.0);
    assert_share(&s, 1, 2, 2.0);
}

/* Shares are of time, not of workloads: long workloads run less often */
static void test_costs(void)
{
    Sim s = { 0 };

    sim_add(&s, 4, 1000 * 1000);    /* 1 ms workloads */
    sim_add(&s, 4, 10000);          /* 10 us workloads */
    sim_run(&s, 2000ull * 1000 * 1000);
    assert_share(&s, 0, 1, 1.0);
    g_assert_cmpuint(s.runs[1], >, 90 * s.runs[0]);
}

/* Workloads too short to measure still share by weight, per workload */
static void test_min_charge(void)
{
    Sim s = { 0 };

    sim_add(&s, 4, 0);
    sim_add(&s, 1, 0);
    s.cost[0] = s.cost[1] = 0;
    /* Zero-cost work never ends the budget: count picks instead */
    while (s.runs[0] + s.runs[1] < 5000) {
        int i = igvt_sched_pick(s.vtime, s.runnable, s.n);

        s.vtime[i] = igvt_sched_charge(s.vtime[i], 0, s.weight[i]);
        s.runs[i]++;
    }
    g_assert_cmpuint(s.runs[0], >=, 3995);
    g_assert_cmpuint(s.runs[0], <=, 4005);
}

/* A vGPU idle for a long time gets no burst when it wakes */
static void test_wake(void)
{
    Sim s = { 0 };
    uint64_t before;

    sim_add(&s, 4, 50000);
    sim_add(&s, 4, 50000);
    s.runnable[1] = false;
    sim_run(&s, 500 * 1000 * 1000);
    g_assert_cmpuint(s.used[1], ==, 0);

    /* vGPU 1 wakes: from now on the two alternate */
    s.runnable[1] = true;
    s.vtime[1] = igvt_sched_wake(s.vtime[1], s.now);
    before = s.used[0];
    sim_run(&s, 100 * 1000 * 1000);
    g_assert_cmpuint(s.used[0] - before, >=, 49 * 1000 * 1000);
    g_assert_cmpuint(s.used[1], >=, 49 * 1000 * 1000);
    /* ... and waking never moves a vGPU's clock back */
    g_assert_cmpuint(igvt_sched_wake(7, 3), ==, 7);
}

/*
 * A vGPU whose every workload runs into the watchdog (a hung guest)
 * cannot starve another: between two of its workloads the other runs
 * for as long as one of them took, weighted.
 */
static void test_hog(void)
{
    Sim s = { 0 };
    int i, last = -1, streak = 0, worst = 0;

    sim_add(&s, 16, 50 * 1000 * 1000);  /* 50 ms runaway batches */
    sim_add(&s, 1, 20000);              /* 20 us workloads */
    for (i = 0; i < 20000; i++) {
        int p = igvt_sched_pick(s.vtime, s.runnable, s.n);

        s.vtime[p] = igvt_sched_charge(s.vtime[p], s.cost[p], s.weight[p]);
        s.used[p] += s.cost[p];
        streak = p == last ? streak + 1 : 1;
        last = p;
        if (p == 0) {
            worst = MAX(worst, streak);
        }
    }
    /* Never two runaway batches back to back */
    g_assert_cmpint(worst, ==, 1);
    g_assert_cmpuint(s.used[1], >, 0);
    assert_share(&s, 0, 1, 16.0);
}

static void test_pick(void)
{
    uint64_t vtime[3] = { 5, 3, 3 };
    bool runnable[3] = { true, true, true };

    g_assert_cmpint(igvt_sched_pick(vtime, runnable, 3), ==, 1);
    runnable[1] = false;
    g_assert_cmpint(igvt_sched_pick(vtime, runnable, 3), ==, 2);
    runnable[2] = false;
    g_assert_cmpint(igvt_sched_pick(vtime, runnable, 3), ==, 0);
    runnable[0] = false;
    g_assert_cmpint(igvt_sched_pick(vtime, runnable, 3), ==, -1);
    g_assert_cmpint(igvt_sched_pick(vtime, runnable, 0), ==, -1);
    /* Charges scale inversely with the weight and never overflow */
    g_assert_cmpuint(igvt_sched_charge(0, 4000, 16), ==, 4000);
    g_assert_cmpuint(igvt_sched_charge(0, 4000, 1), ==, 64000);
    g_assert_cmpuint(igvt_sched_charge(0, UINT64_MAX, 1), <, UINT64_MAX);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/igvt/sched/pick", test_pick);
    g_test_add_func("/igvt/sched/equal-weights", test_equal_weights);
    g_test_add_func("/igvt/sched/weights", test_weights);
    g_test_add_func("/igvt/sched/costs", test_costs);
    g_test_add_func("/igvt/sched/min-charge", test_min_charge);
    g_test_add_func("/igvt/sched/wake", test_wake);
    g_test_add_func("/igvt/sched/hog", test_hog);
    return g_test_run();
}
