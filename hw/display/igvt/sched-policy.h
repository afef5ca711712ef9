/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: how vGPUs share one GPU, as pure arithmetic (unit-tested).
 *
 * Every vGPU has a weight and a virtual time.  Running a workload for
 * t nanoseconds advances its owner's virtual time by t * MAX / weight, so
 * a vGPU of weight 8 ages half as fast as one of weight 4.  The GPU always
 * runs the runnable vGPU with the smallest virtual time next; over time
 * each busy vGPU gets GPU time in proportion to its weight.  A vGPU that
 * wakes up from idle starts at the scheduler's current virtual time, so
 * time it did not use cannot be saved up for a burst that shuts the
 * others out.  Workloads are not preempted: a slice is one workload,
 * which the backend's watchdog keeps bounded.
 */

#ifndef HW_DISPLAY_IGVT_SCHED_POLICY_H
#define HW_DISPLAY_IGVT_SCHED_POLICY_H

#define IGVT_WEIGHT_MIN         1
#define IGVT_WEIGHT_MAX         16
#define IGVT_WEIGHT_DEFAULT     4

/*
 * Every workload is charged at least this much, so that a stream of
 * workloads too short to measure still shares by weight.
 */
#define IGVT_SCHED_MIN_CHARGE_NS    1000

/* Charge @ns of GPU time to a vGPU of @weight (1..16) */
static inline uint64_t igvt_sched_charge(uint64_t vtime, uint64_t ns,
                                         unsigned weight)
{
    ns = MAX(ns, IGVT_SCHED_MIN_CHARGE_NS);
    /* A workload's run is bounded far below this; clamp anyway */
    ns = MIN(ns, UINT64_MAX / 2 / IGVT_WEIGHT_MAX);
    return vtime + ns * IGVT_WEIGHT_MAX / weight;
}

/* The virtual time of a vGPU that becomes runnable again */
static inline uint64_t igvt_sched_wake(uint64_t vtime, uint64_t now)
{
    return MAX(vtime, now);
}

/*
 * Among @n vGPUs, the runnable one to run next: smallest virtual time,
 * the lowest index on a tie.  -1 if none is runnable.
 */
static inline int igvt_sched_pick(const uint64_t *vtime, const bool *runnable,
                                  int n)
{
    int i, best = -1;

    for (i = 0; i < n; i++) {
        if (runnable[i] && (best < 0 || vtime[i] < vtime[best])) {
            best = i;
        }
    }
    return best;
}

#endif /* HW_DISPLAY_IGVT_SCHED_POLICY_H */
