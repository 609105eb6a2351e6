#!/usr/bin/env bash
# Installs the programs make bench compares survcalc with (not needed to
# build, test or use survcalc): R's data.table (Debian) and Python's
# pandas, lifelines and statsmodels (PyPI, into the user's site-packages).
set -euo pipefail
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
Rscript -e "quit(status = !requireNamespace('data.table', quietly = TRUE))" >/dev/null 2>&1 ||
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq r-cran-data.table >/dev/null
python3 -c "import pandas, lifelines, statsmodels" 2>/dev/null ||
  python3 -m pip install -q --user pandas lifelines statsmodels
