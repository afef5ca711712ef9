/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: how vGPUs share one GPU, as pure arithmetic (unit-tested).
 *
 * Every vGPU has a weight and a virtual time.  Running a workload for
 * t nanoseconds advances its owner's virtual time by t * MAX / weight, so
 * a vGPU of weight 8 ages half as fast as one of weight 4.  The GPU runs
 * the runnable vGPU with the smallest virtual time next; over time each
 * busy vGPU gets GPU time in proportion to its weight.
 *
 * A busy guest is not runnable all the time: between one workload's end
 * and its next submission it handles the interrupt and writes ELSP.  If
 * the GPU went to whoever is ready at that moment, two busy vGPUs would
 * simply take turns whatever their weights.  So a vGPU that ran out of
 * work less than IGVT_SCHED_ANTICIPATE_NS ago still counts as busy: if
 * it is owed GPU time (a smaller virtual time than every runnable vGPU),
 * the GPU waits for it, up to the end of that window.  A vGPU idle for
 * longer is really idle: when it submits again it starts at the
 * scheduler's current virtual time, so time it did not use cannot be
 * saved up for a burst that shuts the others out.
 *
 * Workloads are not preempted: a turn is one workload, which the
 * backend's watchdog keeps bounded.
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

/* How long a vGPU that ran out of work still counts as busy */
#define IGVT_SCHED_ANTICIPATE_NS    (2 * 1000 * 1000)

/* One vGPU as the policy sees it */
typedef struct IgvtSchedVgpu {
    uint64_t vtime;
    bool runnable;              /* has a workload ready */
    uint64_t idle_since;        /* when it last ran out of work; 0: never */
} IgvtSchedVgpu;

/* Charge @ns of GPU time to a vGPU of @weight (1..16) */
static inline uint64_t igvt_sched_charge(uint64_t vtime, uint64_t ns,
                                         unsigned weight)
{
    ns = MAX(ns, IGVT_SCHED_MIN_CHARGE_NS);
    /* A workload's run is bounded far below this; clamp anyway */
    ns = MIN(ns, UINT64_MAX / 2 / IGVT_WEIGHT_MAX);
    return vtime + ns * IGVT_WEIGHT_MAX / weight;
}

/* Did a vGPU that ran out of work at @idle_since stop only briefly? */
static inline bool igvt_sched_recent(uint64_t idle_since, uint64_t now)
{
    return idle_since && now >= idle_since &&
           now - idle_since < IGVT_SCHED_ANTICIPATE_NS;
}

/*
 * The virtual time of a vGPU that has work again at @now, given the
 * scheduler's current virtual time @floor
 */
static inline uint64_t igvt_sched_wake(uint64_t vtime, uint64_t idle_since,
                                       uint64_t now, uint64_t floor)
{
    return igvt_sched_recent(idle_since, now) ? vtime : MAX(vtime, floor);
}

/*
 * Among @n vGPUs, the runnable one to run next at @now: smallest virtual
 * time, the lowest index on a tie.  -1 if none should run now; then
 * *wait_ns is how long to wait for a vGPU that is owed time to submit
 * (0: until anything is submitted).
 */
static inline int igvt_sched_pick(const IgvtSchedVgpu *v, int n,
                                  uint64_t now, uint64_t *wait_ns)
{
    int i, best = -1, owed = -1;

    *wait_ns = 0;
    for (i = 0; i < n; i++) {
        if (v[i].runnable) {
            if (best < 0 || v[i].vtime < v[best].vtime) {
                best = i;
            }
        } else if (igvt_sched_recent(v[i].idle_since, now)) {
            if (owed < 0 || v[i].vtime < v[owed].vtime) {
                owed = i;
            }
        }
    }
    if (best >= 0 && owed >= 0 && v[owed].vtime < v[best].vtime) {
        *wait_ns = v[owed].idle_since + IGVT_SCHED_ANTICIPATE_NS - now;
        return -1;
    }
    return best;
}

#endif /* HW_DISPLAY_IGVT_SCHED_POLICY_H */
