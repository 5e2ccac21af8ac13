// DICOM networking (DCMTK dcmnet), kept in the DCMTK bridge: a storage SCP that accepts
// C-ECHO and C-STORE of mammography and secondary capture images and hands each received
// object to a callback as Part 10 bytes, and a C-STORE SCU that sends one object to a peer.
// What to do with the objects (queue, analysis, the report) is the caller's
// (server/dicom_node.h); this file knows nothing of detection.
//
// Thread-safety: a DicomListener accepts on the thread that calls Run() and serves each
// association on a thread of its own, so the callbacks may run on several threads at once;
// Stop() may be called from any thread. SendDicomObject may be called from many threads at once.
#ifndef MAMMOCAD_DICOM_DICOM_NET_H_
#define MAMMOCAD_DICOM_DICOM_NET_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mammocad/status.h"

namespace mammocad {

struct DicomListenerConfig {
  std::string ae_title = "MAMMOCAD";  // the called AE title we answer to (others: refused)
  int port = 11112;
  // Calling AE titles allowed to associate; empty: any.
  std::vector<std::string> allowed_calling_aes;
  std::size_t max_object_bytes = 64u << 20;  // a larger object: the association is dropped
  std::uint32_t max_pdu_bytes = 65536;       // the largest PDU we receive
  int timeout_seconds = 30;                  // ACSE and DIMSE (network silence); a new
                                             // connection's request: at most 3 s
  int max_associations = 8;                  // served at once; more: rejected (transient)
  // The SOP classes taken by C-STORE; empty: StorageSopClasses() (the node's images).
  std::vector<std::string> sop_classes;
};

// One received C-STORE: the object as a Part 10 file (meta header with the transfer syntax it
// was sent in, then the dataset as received: compressed pixel data stay compressed).
struct ReceivedObject {
  std::string calling_ae;
  std::string peer_address;
  std::string sop_class_uid;
  std::string bytes;
};

// The C-STORE response the callback asks for.
enum class StoreResponse {
  kSuccess,            // 0x0000
  kOutOfResources,     // 0xA700: e.g. the queue is full; the sender may retry later
  kCannotUnderstand,   // 0xC000
};

// What the listener reports for logs and metrics: association accepted / refused (with the
// reason), C-ECHO, an object dropped for its size.
struct DicomEvent {
  enum class Kind { kAssociationAccepted, kAssociationRefused, kEcho, kObjectTooLarge };
  Kind kind;
  std::string calling_ae;
  std::string peer_address;
  std::string detail;  // e.g. "calling AE title not allowed"
};

class DicomListener {
 public:
  using StoreHandler = std::function<StoreResponse(ReceivedObject&&)>;
  using EventHandler = std::function<void(const DicomEvent&)>;

  // Both callbacks run on the associations' threads (several at once) and must not throw.
  DicomListener(DicomListenerConfig config, StoreHandler on_store, EventHandler on_event);
  ~DicomListener();
  DicomListener(const DicomListener&) = delete;
  DicomListener& operator=(const DicomListener&) = delete;

  // Opens the port. Errors: kIoError (in use, no permission). Idempotent.
  Status Bind();
  // Binds if needed, then accepts associations until Stop(), each served on a thread of its
  // own (at most max_associations at once). Errors: as Bind.
  Status Run();
  // Ends Run() within about a second: no new association; those in progress are finished.
  void Stop();

  // The SOP classes accepted for C-STORE (besides Verification for C-ECHO).
  static const std::vector<std::string>& StorageSopClasses();

 private:
  struct Impl;  // the DCMTK SCP (dicom_net.cc)
  std::unique_ptr<Impl> impl_;
};

struct DicomPeer {
  std::string ae_title;
  std::string host;
  int port = 0;
};

// Sends `part10` (a DICOM file) by C-STORE from `calling_ae` to `peer`, proposing its SOP
// class in its own transfer syntax and explicit/implicit little endian. Errors: kIoError when
// the peer cannot be reached, refuses the association or answers with a failure status (the
// message says which).
Status SendDicomObject(const DicomPeer& peer, const std::string& calling_ae,
                       std::string_view part10, int timeout_seconds);

}  // namespace mammocad

#endif  // MAMMOCAD_DICOM_DICOM_NET_H_
