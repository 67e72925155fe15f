#!/usr/bin/env bash
# Device call 1 (run from the repository root on the GPU machine; see README.md):
# teachers with the v3 recipe (6 layers), then students distilled from them, six fits at a
# time, and each student fold's e2e head. Settings: LAYERS EPOCHS DISTILL (students), MAX
# (steps, for a smoke run), DEV (cuda or cpu), THREADS (onnxruntime threads a process),
# STUDENT (the students' folder under WORK, default student), TRANSFER (N: each teacher also
# labels N of the texts `kit.py prepare --texts` put in .gpu/texts, and the students fit on
# them too). Teachers already fitted in WORK are kept, so a second call on the warm machine
# with another STUDENT compares two student recipes on the same teachers.
set -u
R=$PWD; W=${WORK:-/tmp/w}; mkdir -p "$W"
export PYTHONUNBUFFERED=1 PYTHONPATH=$R/src OMP_WAIT_POLICY=PASSIVE SPINSCOPE_THREADS=${THREADS:-3}
PTC=$R/.gpu/ptc; ENC=$R/.gpu/all-MiniLM-L6-v2; KIT="python3 $R/benchmarks/device/kit.py"
LAYERS=${LAYERS:-3}; EPOCHS=${EPOCHS:-8}; DISTILL=${DISTILL:-0.8}; MAX=${MAX:-0}; DEV=${DEV:-cuda}
T0=$(date +%s); el() { echo "[$(( $(date +%s) - T0 )) s] $*"; }
nvidia-smi -L 2>/dev/null
[ -f "$ENC/model.safetensors" ] || $KIT fp32 "$ENC" || exit 1
cd "$R/benchmarks" || exit 1
C="python3 cv_train.py --corpus $PTC --encoder $ENC --device $DEV --max-steps $MAX"
# folds.json first: the fits below would race to write it.
$C --out "$W/v3" --folds >/dev/null || exit 1
el "teachers"
for k in 0 1 2 3 4; do $C --out "$W/v3" --folds $k --fit-only > "$W/t$k.log" 2>&1 & done
$C --out "$W/v3" --folds --full --fit-only > "$W/tfull.log" 2>&1 &
wait; el "teachers done"; grep -h "^- fold" "$W/v3/log.md"
ST=$W/${STUDENT:-student}
S="$C --out $ST --layers $LAYERS --epochs $EPOCHS --teacher $W/v3 --distill $DISTILL"
$C --out "$ST" --folds >/dev/null || exit 1
if [ -n "${TRANSFER:-}" ]; then
  python3 teacher_labels.py --corpus "$PTC" --teacher "$W/v3" --out "$W/transfer" --device "$DEV" \
    --texts "$R/.gpu/texts" --limit "$TRANSFER" > "$W/transfer.log" 2>&1 || { tail "$W/transfer.log"; exit 1; }
  S="$S --transfer-labels $W/transfer --transfer-texts $R/.gpu/texts"; el "transfer texts labelled"
fi
for k in 0 1 2 3 4; do
  ($S --folds $k > "$W/s$k.log" 2>&1 && $KIT complete "$ST" $k "$PTC" >> "$W/s$k.log" 2>&1) &
done
$S --folds --full > "$W/sfull.log" 2>&1 &
wait; el "students done"; grep -h "^- fold\|e2e head" "$W"/s?.log "$W/sfull.log"
ls "$ST"/fold*/e2e_head.onnx "$ST/full/torch/train.json" || exit 1
(cd "$W" && tar czf "$OUT/fit-logs.tgz" ./*.log); el "end"
