#!/usr/bin/env bash
# Re-cut the committed test fixture slices (test/fixtures/README.md) from the full public datasets.
#
#   bash scripts/cut-fixtures.sh <datasets folder>     # the folder holding taobao-userbehavior-head/, gowalla/, cdnow/
#
# Tests only ever read the slices this writes; the full files stay outside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: bash scripts/cut-fixtures.sh <datasets folder>" >&2
  exit 2
fi
S=$1
F=test/fixtures
tb=$S/taobao-userbehavior-head/UserBehavior_head.csv
# Taobao: the complete histories of the users before the one who crosses row 10,000.
awk -F, -v u="$(awk -F, 'NR==10001{print $1}' "$tb")" '$1==u{exit} {print}' "$tb" > $F/taobao/UserBehavior_head_91users.csv
# Gowalla: the lines of users 0..199 of each file.
awk '$1+0<200' "$S/gowalla/train.txt" > $F/gowalla/train.txt
awk '$1+0<200' "$S/gowalla/test.txt" > $F/gowalla/test.txt
# CDNOW: the header and every transaction of customers 1..3000.
awk 'NR==1 || $1+0<=3000' "$S/cdnow/CDNOW_master.txt" > $F/cdnow/CDNOW_master_3000.txt
echo "fixtures re-cut from $S"
