# The user-level tasks of tests/bench/user_tasks.mjs in R (survival 3.5,
# data.table's fread when installed), on the same file: one JSON line per
# task, the median of `repeats` runs.  Rscript peers.R FILE N REPEATS
args <- commandArgs(trailingOnly = TRUE)
file <- args[1]; n <- as.numeric(args[2]); repeats <- as.integer(args[3])
suppressMessages(library(survival))
timed <- function(task, impl, f) {
  f()
  t <- replicate(repeats, system.time(f())[["elapsed"]])
  cat(sprintf('{"impl":"%s","task":"%s","n":%s,"median_s":%.6f}\n', impl, task, format(n, scientific = FALSE), median(t)))
}
if (requireNamespace("data.table", quietly = TRUE)) {
  timed("read_csv", "R data.table::fread", function() data.table::fread(file))
  d <- as.data.frame(data.table::fread(file))
} else {
  timed("read_csv", "R read.csv", function() read.csv(file))
  d <- read.csv(file)
}
d$arm <- factor(d$arm, levels = c("control", "drug A", "drug B"))
timed("km", "R survival", function() {
  survfit(Surv(time, status) ~ 1, data = d); survfit(Surv(time, status) ~ arm, data = d)
  survdiff(Surv(time, status) ~ arm, data = d)
})
timed("cox", "R survival", function() {
  fit <- coxph(Surv(time, status) ~ arm + age + biomarker + female + score + ecog, data = d)
  cox.zph(fit)
})
timed("logistic_table", "R glm", function() {
  for (x in c("arm", "age", "biomarker", "female", "score", "ecog")) glm(reformulate(x, "response"), family = binomial, data = d)
  glm(response ~ arm + age + biomarker + female + score + ecog, family = binomial, data = d)
})
