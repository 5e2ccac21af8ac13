// Simulated benign calcifications and image artefacts: the hard negatives of the simulator
// (docs/simulator.md). Bright spots and lines that are not the small clustered calcifications a
// detector must find. Drawn by MakeSyntheticMammogram (SyntheticOptions::benign, ::artefacts)
// and InsertBenignFindings (synth/synthetic.h); this header holds their kinds and records.
#ifndef MAMMOCAD_SYNTH_BENIGN_H_
#define MAMMOCAD_SYNTH_BENIGN_H_

#include <opencv2/core.hpp>
#include <string_view>
#include <vector>

namespace mammocad {

enum class BenignKind {
  // Benign calcifications: calcium, drawn in mm and blurred like the clustered ones.
  kVascular,     // a vessel wall edge-on: two parallel, gently curved (maybe dashed) lines
  kRound,        // a large, smooth, round or oval calcification
  kRim,          // an eggshell calcification: a bright ring around a darker centre
  kPopcorn,      // a coarse lumpy blob of overlapping dense lobes
  kSkin,         // a small lucent-centred dot in the outer few mm of the breast
  // Artefacts: not X-ray images of anything, drawn after the blur (and the noise), sharp.
  kDust,         // one or two bright pixels
  kScannerLine,  // a long, 1 pixel wide, bright straight line, about horizontal or vertical
  kScratch,      // a short, 1 pixel wide, bright or dark straight segment
  kFilmEdge,     // a bright band along an image border (the unexposed film margin)
  kLabel,        // a bright rectangle with bright text-like bars, outside the breast
};
std::string_view BenignKindName(BenignKind kind);
bool IsArtefact(BenignKind kind);  // kDust and after

// What is drawn; the size and contrast ranges of each kind are in docs/simulator.md.
struct BenignModel {
  std::vector<BenignKind> calcification_kinds = {BenignKind::kVascular, BenignKind::kRound,
                                                 BenignKind::kRim, BenignKind::kPopcorn,
                                                 BenignKind::kSkin};
  std::vector<BenignKind> artefact_kinds = {BenignKind::kDust, BenignKind::kScannerLine,
                                            BenignKind::kScratch, BenignKind::kFilmEdge,
                                            BenignKind::kLabel};
  double dashed_vessel_share = 0.4;  // vascular calcifications with interrupted walls
};

// One inserted benign calcification or artefact.
struct SyntheticBenign {
  BenignKind kind = BenignKind::kRound;
  cv::Point2f centre;  // pixels: the calcification's centre, the middle of a line or vessel
  cv::Rect box;        // pixels: everything drawn (before blur), clipped to the image
  // Pixels. kVascular: the vessel's axis (a polyline, about 1 mm steps; the walls lie
  // wall_gap_mm / 2 either side); kScannerLine, kScratch: the two endpoints; kFilmEdge: the two
  // endpoints of the band's inner edge; kDust: its pixels' centres. Otherwise empty.
  std::vector<cv::Point2f> points;
  double size_mm = 0.0;   // longest extent; lines and vessels: length; film edge: band width
  // Calcifications and lines: added intensity ([0, 1] units) at the brightest point before blur
  // (a rim: on the ring; popcorn: one lobe, overlaps add; negative: a dark scratch).
  // kFilmEdge, kLabel: the level they replace the image with.
  double contrast = 0.0;
  double wall_gap_mm = 0.0;          // kVascular: between the two walls' centre lines
  std::vector<cv::Rect> text;  // kLabel: its bars (pixels, at full brightness)
};

}  // namespace mammocad

#endif  // MAMMOCAD_SYNTH_BENIGN_H_
