#!/usr/bin/env bash
# Device call 2, at once after fit.sh on the same warm machine: the model from the full
# student, its decoding, span filter and stacker tuned nested on the folds, and the
# cross-validated figures (cv.txt). The model comes back as model.tgz.part-* (15 MB each):
# cat them into tar xzf. THREADS=14 uses the machine's cores for the tuning.
set -u
R=$PWD; W=${WORK:-/tmp/w}
export PYTHONUNBUFFERED=1 PYTHONPATH=$R/src OMP_WAIT_POLICY=PASSIVE SPINSCOPE_THREADS=${THREADS:-14}
PTC=$R/.gpu/ptc; ENC=$R/.gpu/all-MiniLM-L6-v2
LAYERS=${LAYERS:-3}; EPOCHS=${EPOCHS:-8}
T0=$(date +%s)
python3 -c "from spinscope._cli import main; main()" train --corpus "$PTC" --out "$W/student/full" \
  --layers "$LAYERS" --epochs "$EPOCHS" --cv "$W/student" --from-checkpoint --encoder "$ENC" \
  2>&1 | grep -v "Loading weights" | tee "$OUT/cv.txt"
echo "[$(( $(date +%s) - T0 )) s] assembled"
(cd "$W/student/full" && tar czf "$W/model.tgz" --exclude=torch --exclude='*.fp32.onnx' \
  --exclude=tagger.int8.onnx --exclude=done.json .)
split -b 15M "$W/model.tgz" "$OUT/model.tgz.part-"; cp "$W/student/log.md" "$OUT/folds-log.md"
# The span head's out-of-fold stacker rows (about 1 MB): other classifiers' out-of-fold
# probabilities stack beside them here later (benchmarks/tc_markers.py --combine).
cp "$W/student/stacker_rows.npz" "$OUT/"
ls -la "$OUT"
