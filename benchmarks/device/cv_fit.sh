#!/usr/bin/env bash
# Device call: one recipe's five fold networks fitted at once, each exported and run over its
# held-out articles (cv_train.py without --fit-only), then each fold's e2e head. A second
# call on the same warm machine scores them on its CPU, writing straight to $OUT (see
# README.md; it reads the copy of the PTC split this call leaves in /tmp/w/ptc):
#   cd benchmarks && SPINSCOPE_THREADS=14 PYTHONPATH=../src python3 cv.py --cv /tmp/w/cv \
#     --corpus /tmp/w/ptc --recipe-only > $OUT/cv.txt 2>&1
# Settings: ENC (encoder folder under .gpu/; int8 parts are joined first, see kit.py), ARGS
# (cv_train.py's recipe options, e.g. "--layers 12 --lr 3e-5"), MAX (steps, for a smoke run),
# DEV (cuda or cpu), THREADS (onnxruntime threads a process), LABELS=1 (teachers: fit only,
# then their targets for distillation go to $OUT/labels, about 3 MB a network).
set -u
R=$PWD; W=${WORK:-/tmp/w}; mkdir -p "$W"
export PYTHONUNBUFFERED=1 PYTHONPATH=$R/src${PYTHONPATH:+:$PYTHONPATH} OMP_WAIT_POLICY=PASSIVE SPINSCOPE_THREADS=${THREADS:-3}
PTC=$R/.gpu/ptc; ENC=$R/.gpu/${ENC:-all-MiniLM-L6-v2}; KIT="python3 $R/benchmarks/device/kit.py"
MAX=${MAX:-0}; DEV=${DEV:-cuda}; ARGS=${ARGS:-}
T0=$(date +%s); el() { echo "[$(( $(date +%s) - T0 )) s] $*"; }
nvidia-smi -L 2>/dev/null
[ -f "$ENC/model.safetensors" ] || $KIT fp32 "$ENC" || exit 1
rm -rf "$W/ptc" && cp -r "$PTC" "$W/ptc"  # for the scoring call, which carries nothing
cd "$R/benchmarks" || exit 1
# shellcheck disable=SC2086  # ARGS holds several options
C="python3 cv_train.py --corpus $PTC --encoder $ENC --device $DEV --max-steps $MAX --threads ${THREADS:-3} --out $W/cv $ARGS"
$C --folds >/dev/null || exit 1  # folds.json first: the fits below would race to write it
if [ "${LABELS:-0}" = 1 ]; then
  el "teachers"
  for k in 0 1 2 3 4; do $C --folds $k --fit-only > "$W/f$k.log" 2>&1 & done
  $C --folds --full --fit-only > "$W/ffull.log" 2>&1 &
  wait; el "teachers fitted"; grep -h "^- fold" "$W/cv/log.md"; grep -h "Error" "$W"/f*.log
  python3 teacher_labels.py --corpus "$PTC" --teacher "$W/cv" --out "$OUT/labels" --device "$DEV" \
    > "$OUT/labels.log" 2>&1 || { tail "$OUT/labels.log"; exit 1; }
  ls -la "$OUT/labels"; el "end"; exit 0
fi
el "fits"
for k in 0 1 2 3 4; do
  ($C --folds $k > "$W/f$k.log" 2>&1 && $KIT complete "$W/cv" $k "$PTC" >> "$W/f$k.log" 2>&1) &
done
wait; el "fits, exports, out-of-fold runs and e2e heads done"
grep -h "^- fold\|e2e head\|Error\|error" "$W"/f?.log
ls "$W"/cv/fold*/e2e_head.onnx || exit 1
(cd "$W" && tar czf "$OUT/fit-logs.tgz" ./*.log cv/log.md); el "end"
