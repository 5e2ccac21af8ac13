// The DICOM node (`mammocad dicom-serve`): images arrive by C-STORE (dicom/dicom_net.h), wait
// in a bounded queue (server/admission_queue.h), are analysed by the same Analyzer and decode
// limits as HTTP, and the Mammography CAD SR of each (service/cad_report.h) goes by C-STORE
// to the configured destination (a PACS, a workstation). Logs use the access-log line
// (server/access_log.h; method C-ECHO / C-STORE / A-ASSOCIATE, the status as the error
// table's HTTP status) and the metrics are the HTTP server's (server/metrics.h), so both
// front ends are watched the same way.
//
// A C-STORE is answered Success once the image is queued (its analysis comes after); a full
// queue answers 0xA700 (out of resources), so the sender retries later. An image that fails
// to decode or analyse is logged with its error name and sends no report.
//
// Thread-safety: Run() blocks; Stop() may be called from any thread (e.g. a signal watcher).
#ifndef MAMMOCAD_SERVER_DICOM_NODE_H_
#define MAMMOCAD_SERVER_DICOM_NODE_H_

#include <memory>
#include <string>

#include "dicom/dicom_net.h"
#include "server/compute_gate.h"
#include "server/metrics.h"
#include "service/analysis.h"

namespace mammocad {

struct DicomNodeConfig {
  DicomListenerConfig listener;
  DicomPeer destination;   // where reports go (all fields required)
  int threads = 0;         // images analysed at once (0: one per core)
  int max_queue = 16;      // received images waiting for analysis; beyond: 0xA700
  DecodeLimits limits;     // as `serve`'s --max-pixels; max_bytes is listener.max_object_bytes
  // Where the node counts (e.g. the HTTP server's of the same process, which then serves
  // them at /metrics); must outlive the node. Null: the node's own (MetricsText).
  Metrics* metrics = nullptr;
  // A compute gate shared with the HTTP server of the same process, so that both keep to one
  // budget of analyses at once; must outlive the node. Null: the node's threads are its budget.
  ComputeGate* gate = nullptr;
};

class DicomNode {
 public:
  // `task` must outlive the node.
  DicomNode(DicomNodeConfig config, const DetectionTask& task);
  ~DicomNode();
  DicomNode(const DicomNode&) = delete;
  DicomNode& operator=(const DicomNode&) = delete;

  // Opens the port. Errors: kIoError.
  Status Bind();
  // Serves until Stop(), then finishes: associations in progress end, every queued image is
  // analysed and its report sent.
  Status Run();
  void Stop();

  // The metrics in Prometheus' text format (server/metrics.h).
  std::string MetricsText() const;

 private:
  struct State;  // dicom_node.cc
  std::unique_ptr<State> state_;
};

}  // namespace mammocad

#endif  // MAMMOCAD_SERVER_DICOM_NODE_H_
