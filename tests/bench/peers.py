"""The user-level tasks of tests/bench/user_tasks.mjs in Python (pandas,
lifelines, statsmodels), on the same file: one JSON line per task, the
median of `repeats` runs.  python3 peers.py FILE N REPEATS"""
import json
import statistics
import sys
import time

import pandas as pd

file, n, repeats = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])


def timed(task, impl, f, runs=repeats):
    f()
    t = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        t.append(time.perf_counter() - t0)
    print(json.dumps({"impl": impl, "task": task, "n": n, "median_s": statistics.median(t)}), flush=True)


timed("read_csv", "pandas", lambda: pd.read_csv(file))
d = pd.read_csv(file)
X = pd.get_dummies(d[["arm", "age", "biomarker", "female", "score", "ecog"]], columns=["arm"], drop_first=True, dtype=float)

try:
    from lifelines import CoxPHFitter, KaplanMeierFitter
    from lifelines.statistics import multivariate_logrank_test

    def km():
        KaplanMeierFitter().fit(d["time"], d["status"])
        for _, g in d.groupby("arm"):
            KaplanMeierFitter().fit(g["time"], g["status"])
        multivariate_logrank_test(d["time"], d["arm"], d["status"])

    timed("km", "lifelines", km)
    if n <= 1e5:  # lifelines' Cox with the PH test takes minutes beyond this
        def cox():
            cph = CoxPHFitter().fit(pd.concat([d[["time", "status"]], X], axis=1), "time", "status")
            cph.concordance_index_
            from lifelines.statistics import proportional_hazard_test
            proportional_hazard_test(cph, pd.concat([d[["time", "status"]], X], axis=1), time_transform="km")

        timed("cox", "lifelines", cox, runs=1 if n >= 1e5 else repeats)
except ImportError as e:
    print(f"lifelines not installed: {e}", file=sys.stderr)

try:
    import statsmodels.api as sm

    def logistic_table():
        for cols in (["arm_drug A", "arm_drug B"], ["age"], ["biomarker"], ["female"], ["score"], ["ecog"]):
            sm.Logit(d["response"], sm.add_constant(X[cols])).fit(disp=0)
        sm.Logit(d["response"], sm.add_constant(X)).fit(disp=0)

    timed("logistic_table", "statsmodels", logistic_table)
except ImportError as e:
    print(f"statsmodels not installed: {e}", file=sys.stderr)
