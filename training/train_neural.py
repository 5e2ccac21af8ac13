#!/usr/bin/python3
"""Trains the neural candidate scorer (docs/neural-scoring.md) on the patches that
`mammocad patches` wrote, and exports it for the C++ detector: an ONNX network and its
manifest (YAML, read by src/detector/neural_scorer.cc).

    training/train_neural.py --patches DIR --out models/calc-nn-v1.yml --seed 1

Reproducible from the seed on one machine (deterministic algorithms, a fixed thread count).
Images whose index % 4 == 3 are held out: the Platt calibration is fitted on them (with the
weights that restore the true rate of false candidates) and the held-out AUC is reported
against the hand-made score (the contrast)."""

import argparse
import hashlib
import json
import os
import re
import sys
import time

import numpy as np
import torch
from torch import nn

CALIBRATION_EVERY = 4


class CandidateNet(nn.Module):
    """A small CNN: three conv stages (16, 32, 64 channels), then two dense layers: one logit."""

    def __init__(self, channels, size):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(channels, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Sequential(
            nn.Flatten(), nn.Linear(64 * (size // 8) ** 2, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, x):
        return self.head(self.features(x))


class EnsembleNet(nn.Module):
    """The mean logit of several CandidateNets trained from different seeds: one ONNX graph,
    so the C++ side runs it as it runs one network (one forward pass per batch)."""

    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, x):
        total = self.members[0](x)
        for member in self.members[1:]:
            total = total + member(x)
        return total * (1.0 / len(self.members))


def read_meta(path):
    """The scalar keys of meta.yml and its fitted_params block as text (copied verbatim)."""
    meta, fitted, in_fitted = {}, [], False
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('fitted_params:'):
                in_fitted = True
                continue
            if in_fitted and line.startswith('   '):
                fitted.append(line.rstrip('\n'))
                continue
            in_fitted = False
            m = re.match(r'^(\w+):\s*"?([^"\n]*)"?\s*$', line)
            if m:
                meta[m.group(1)] = m.group(2)
    return meta, fitted


def load(directory):
    meta, fitted = read_meta(os.path.join(directory, 'meta.yml'))
    size, channels = int(meta['patch_size_px']), int(meta['patch_channels'])
    raw = np.fromfile(os.path.join(directory, 'patches.f32'), dtype=np.float32)
    patches = raw.reshape(-1, channels, size, size)
    labels = np.fromfile(os.path.join(directory, 'labels.u8'), dtype=np.uint8).astype(np.float32)
    weights = np.fromfile(os.path.join(directory, 'weights.f32'), dtype=np.float32)
    images = np.fromfile(os.path.join(directory, 'images.i32'), dtype=np.int32)
    contrast = np.fromfile(os.path.join(directory, 'contrast.f32'), dtype=np.float32)
    assert len(patches) == len(labels) == len(weights) == len(images) == len(contrast)
    return meta, fitted, patches, labels, weights, images, contrast


def auc(scores, labels, weights):
    """Weighted area under the ROC curve (ties count half)."""
    order = np.argsort(scores, kind='mergesort')
    s, y, w = scores[order], labels[order], weights[order]
    pos_w, neg_w = (w * y).sum(), (w * (1 - y)).sum()
    if pos_w == 0 or neg_w == 0:
        return 0.5
    total, neg_below, i = 0.0, 0.0, 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        tie_pos = (w[i:j] * y[i:j]).sum()
        tie_neg = (w[i:j] * (1 - y[i:j])).sum()
        total += tie_pos * (neg_below + tie_neg / 2)
        neg_below += tie_neg
        i = j
    return total / (pos_w * neg_w)


def augment(batch):
    """Calcifications have no orientation: random flips and quarter turns."""
    k = int(torch.randint(0, 4, (1,)))
    batch = torch.rot90(batch, k, dims=(2, 3))
    if int(torch.randint(0, 2, (1,))):
        batch = torch.flip(batch, dims=(3,))
    return batch


def fit_platt(logits, labels, weights):
    """Weighted Platt scaling p = sigmoid(a * logit + b), by L-BFGS on the log-loss."""
    x = torch.tensor(logits, dtype=torch.float64)
    y = torch.tensor(labels, dtype=torch.float64)
    w = torch.tensor(weights, dtype=torch.float64)
    params = torch.tensor([1.0, 0.0], dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([params], max_iter=200, line_search_fn='strong_wolfe')

    def closure():
        optimiser.zero_grad()
        loss = (w * nn.functional.binary_cross_entropy_with_logits(
            params[0] * x + params[1], y, reduction='none')).sum() / w.sum()
        loss.backward()
        return loss

    optimiser.step(closure)
    return float(params[0]), float(params[1])


def train_member(x, y, channels, size, positive_weight, seed, args):
    """One CandidateNet: its initial weights, augmentation and batch order from `seed`."""
    torch.manual_seed(seed)
    net = CandidateNet(channels, size)
    optimiser = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
    # The classes are balanced in the loss; calibration restores the true rates after.
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(positive_weight))
    generator = torch.Generator().manual_seed(seed)
    for epoch in range(args.epochs):
        net.train()
        order = torch.randperm(len(y), generator=generator)
        total = 0.0
        for first in range(0, len(order), args.batch):
            idx = order[first:first + args.batch]
            optimiser.zero_grad()
            loss = loss_fn(net(augment(x[idx])).squeeze(1), y[idx])
            loss.backward()
            optimiser.step()
            total += float(loss) * len(idx)
        print('epoch %d: loss %.4f' % (epoch + 1, total / len(y)), flush=True)
    return net


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--patches', required=True, help='folder written by mammocad patches')
    parser.add_argument('--out', required=True, help='manifest to write (the .onnx goes beside it)')
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--epochs', type=int, default=12)
    parser.add_argument('--batch', type=int, default=256)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--ensemble', type=int, default=1,
                        help='networks trained from seeds SEED, SEED+1000, ...; their mean logit')
    parser.add_argument('--version', default=None, help='model version (default: the file stem)')
    parser.add_argument('--description', default='')
    args = parser.parse_args(argv)
    if args.ensemble < 1:
        parser.error('--ensemble must be at least 1')

    started = time.time()
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    meta, fitted, patches, labels, weights, images, contrast = load(args.patches)
    held_out = images % CALIBRATION_EVERY == CALIBRATION_EVERY - 1
    train = ~held_out
    size, channels = patches.shape[2], patches.shape[1]
    x = torch.from_numpy(patches[train])
    y = torch.from_numpy(labels[train])
    positives = float(y.sum())
    negatives = float(len(y) - positives)
    if positives == 0 or negatives == 0 or held_out.sum() == 0:
        sys.exit('train_neural.py: need true and false patches and held-out images')
    members = []
    for member in range(args.ensemble):
        # Member 0 is the single network of --ensemble 1 (the same seed, the same bytes).
        member_seed = args.seed + 1000 * member
        if args.ensemble > 1:
            print('member %d of %d (seed %d)' % (member + 1, args.ensemble, member_seed),
                  flush=True)
        members.append(train_member(x, y, channels, size, negatives / positives, member_seed,
                                    args))
    net = members[0] if len(members) == 1 else EnsembleNet(members)
    net.eval()
    with torch.no_grad():
        held_logits = torch.cat([net(torch.from_numpy(patches[held_out][i:i + 1024])).squeeze(1)
                                 for i in range(0, int(held_out.sum()), 1024)]).numpy()
    a, b = fit_platt(held_logits, labels[held_out], weights[held_out])
    net_auc = auc(held_logits, labels[held_out], weights[held_out])
    contrast_auc = auc(contrast[held_out], labels[held_out], weights[held_out])
    print('held-out images: %d patches (%d true); ROC AUC network %.4f, contrast %.4f'
          % (held_out.sum(), labels[held_out].sum(), net_auc, contrast_auc))
    print('Platt a = %.4f, b = %.4f' % (a, b))

    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    stem = os.path.splitext(os.path.basename(args.out))[0]
    onnx_name = stem + '.onnx'
    onnx_path = os.path.join(out_dir, onnx_name)
    torch.onnx.export(net, torch.zeros(1, channels, size, size), onnx_path, opset_version=11,
                      input_names=['patches'], output_names=['logit'],
                      dynamic_axes={'patches': {0: 'n'}, 'logit': {0: 'n'}})
    with open(onnx_path, 'rb') as f:
        checksum = hashlib.sha256(f.read()).hexdigest()
    version = args.version or stem
    jpeg = ('every image also through JPEG' if meta.get('jpeg_copies') == '1'
            else 'every %s-th through JPEG' % meta['jpeg_every'])
    jitter = float(meta.get('spacing_jitter', 0))
    if jitter > 0:
        jpeg += '; each analysed at up to %d%% off its true spacing' % round(jitter * 100)
    description = args.description or (
        'CNN on %d patches of %s images (%s synthetic, %s normal films with simulated '
        'clusters%s; %s); Platt-calibrated on held-out images'
        % (len(y), meta['images'], meta['synthetic_images'], meta['normal_films'],
           ', benign calcifications and artefacts' if meta.get('benign_and_artefacts') == '1'
           else '', jpeg))
    if args.ensemble > 1:
        description += '; the mean logit of %d networks (seeds %d + 1000 k)' % (
            args.ensemble, args.seed)
    lines = [
        '%YAML:1.0', '---',
        'kind: mammocad-neural-scorer',
        'format: 1',
        'version: %s' % json.dumps(version),
        'description: %s' % json.dumps(description),
        'seed: "%d"' % args.seed,
        'training_images: %s' % meta['images'],
        'training_patches: %d' % len(y),
        'held_out_patches: %d' % int(held_out.sum()),
        'held_out_auc: %.6f' % net_auc,
        'held_out_contrast_auc: %.6f' % contrast_auc,
        'epochs: %d' % args.epochs,
        'ensemble_members: %d' % args.ensemble,
        'torch: %s' % json.dumps(torch.__version__),
        'training_seconds: %d' % int(time.time() - started),
        'network: %s' % json.dumps(onnx_name),
        'network_sha256: "%s"' % checksum,
        'patch_size_px: %d' % size,
        'patch_spacing_mm: %s' % meta['patch_spacing_mm'],
        'patch_channels: %d' % channels,
        'patch_noise: "%s"' % meta.get('patch_noise', 'pixel'),
        'fitted_params:'] + fitted + [
        'platt_a: %.17g' % a,
        'platt_b: %.17g' % b,
        # Cluster scores stay the member-based probability (identity on the logit).
        'cluster_platt_a: 1.',
        'cluster_platt_b: 0.',
    ]
    with open(args.out, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    print('wrote %s and %s (sha256 %s) in %d s' % (args.out, onnx_path, checksum[:12],
                                                  time.time() - started))


if __name__ == '__main__':
    main(sys.argv[1:])
