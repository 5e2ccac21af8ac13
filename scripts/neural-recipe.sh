# The shipped neural scorer's training recipe (docs/neural-scoring.md), sourced by
# scripts/train-neural.sh (the shipped model) and scripts/crossval-neural.sh (its honest figure
# on unseen films), so that both train the same way: `mammocad patches` flags besides the seed,
# the normal films and the fold.
# 400 realistic synthetic images; each image analysed at up to 25% off its true spacing (scale
# augmentation: calc-nn-v3 held its dev figures and gained at 1.25x the spacing and on JPEG).
NEURAL_PATCH_FLAGS=(--images 400 --spacing-jitter 0.25)
# The cluster score (calc-nn-v4): a cluster model on the member score and the image's candidates
# per cm2 (a film strewn with specks makes clusters by chance), fitted by calibrate-clusters on
# the held-out synthetic images and the training films' NORM films with simulated clusters.
NEURAL_CLUSTER_FLAGS=(--features --use member_logit,log_image_candidates_per_cm2)
