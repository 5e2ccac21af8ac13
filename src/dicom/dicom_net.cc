// The DCMTK bridge for DICOM networking (dicom_net.h): a DcmSCP for C-ECHO and C-STORE, a
// DcmSCU for sending one object.
#include "dicom/dicom_net.h"

#include <dcmtk/config/osconfig.h>  // must come first among DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmnet/dcmtrans.h>
#include <dcmtk/dcmnet/dul.h>
#include <dcmtk/dcmnet/scp.h>
#include <dcmtk/dcmnet/scpthrd.h>
#include <sys/socket.h>
#include <dcmtk/dcmnet/scu.h>

#include <algorithm>
#include <cstdio>
#include <atomic>
#include <list>
#include <thread>
#include <new>

#include "dicom/dcmtk_setup.h"
#include "dicom/part10.h"

namespace mammocad {
namespace {

constexpr Uint16 kStatusSuccess = 0x0000;
// How long a new connection may take to send its association request (see Bind).
constexpr int kAssociationRequestSeconds = 3;
constexpr Uint16 kStatusOutOfResources = 0xA700;
constexpr Uint16 kStatusCannotUnderstand = 0xC000;

// Transfer syntaxes accepted for images: what DecodeDicom reads (transfer_syntax.cc) that
// modalities and PACS send; the uncompressed ones first (preferred).
const OFList<OFString>& ImageTransferSyntaxes() {
  static const OFList<OFString> syntaxes = [] {
    OFList<OFString> list;
    for (const char* uid :
         {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax,
          UID_DeflatedExplicitVRLittleEndianTransferSyntax, UID_JPEGProcess14SV1TransferSyntax,
          UID_JPEGProcess14TransferSyntax, UID_JPEGLSLosslessTransferSyntax,
          UID_JPEG2000LosslessOnlyTransferSyntax, UID_RLELosslessTransferSyntax,
          UID_JPEGProcess1TransferSyntax, UID_JPEGProcess2_4TransferSyntax,
          UID_JPEGLSLossyTransferSyntax, UID_JPEG2000TransferSyntax}) {
      list.push_back(uid);
    }
    return list;
  }();
  return syntaxes;
}

std::string GetString(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFString(tag, value).bad()) return "";
  return value.c_str();
}

// The socket of a DCMTK connection: DcmTransportConnection::getSocket is protected, and a
// member pointer taken in a derived class is the standard way to call it.
struct SocketOf : DcmTCPConnection {
  static DcmNativeSocketType Get(DcmTransportConnection* connection) {
    return (connection->*(&SocketOf::getSocket))();
  }
};

}  // namespace

const std::vector<std::string>& DicomListener::StorageSopClasses() {
  static const std::vector<std::string> classes = {
      UID_DigitalMammographyXRayImageStorageForPresentation,
      UID_DigitalMammographyXRayImageStorageForProcessing,
      UID_SecondaryCaptureImageStorage,
      UID_MultiframeGrayscaleWordSecondaryCaptureImageStorage,
      UID_MultiframeGrayscaleByteSecondaryCaptureImageStorage,
  };
  return classes;
}

// One association's SCP: DcmSCP's handling (negotiation, release, abort, C-ECHO) with our
// checks and the C-STORE handler, run on an association our accept loop received.
class StorageScp : public DcmThreadSCP {
 public:
  StorageScp(const DicomListenerConfig& config, DicomListener::StoreHandler& on_store,
             DicomListener::EventHandler& on_event, std::atomic<bool>& stop)
      : config_(config), on_store_(on_store), on_event_(on_event), stop_(stop) {}

  OFCondition run(T_ASC_Association* association) override {
    association_ = association;
    return DcmThreadSCP::run(association);
  }

 protected:
  OFCondition handleIncomingCommand(T_DIMSE_Message* message,
                                    const DcmPresentationContextInfo& context) override {
    if (message->CommandField != DIMSE_C_STORE_RQ) {
      if (message->CommandField == DIMSE_C_ECHO_RQ) Report(DicomEvent::Kind::kEcho, "");
      return DcmSCP::handleIncomingCommand(message, context);
    }
    T_DIMSE_C_StoreRQ& request = message->msg.CStoreRQ;
    received_ = 0;
    too_large_ = false;
    DcmDataset* dataset = nullptr;
    OFCondition condition = receiveSTORERequest(request, context.presentationContextID, dataset);
    std::unique_ptr<DcmDataset> owned(dataset);
    if (too_large_) {  // the rest may have arrived before the shutdown: dropped all the same
      Report(DicomEvent::Kind::kObjectTooLarge,
             "object over " + std::to_string(config_.max_object_bytes >> 20) +
                 " MiB: association dropped");
      return condition.bad() ? condition : OFCondition(DUL_PEERABORTEDASSOCIATION);
    }
    if (condition.bad()) return condition;  // DcmSCP ends the association
    Uint16 status = kStatusCannotUnderstand;
    ReceivedObject object;
    object.calling_ae = getPeerAETitle().c_str();
    object.peer_address = getPeerIP().c_str();
    object.sop_class_uid = request.AffectedSOPClassUID;
    DcmFileFormat file(owned.release(), /*deepCopy=*/OFFalse);  // no second copy of the pixels
    const E_TransferSyntax xfer = DcmXfer(context.acceptedTransferSyntax.c_str()).getXfer();
    if (dicom_internal::WritePart10(file, xfer, &object.bytes).ok()) {
      switch (on_store_(std::move(object))) {
        case StoreResponse::kSuccess: status = kStatusSuccess; break;
        case StoreResponse::kOutOfResources: status = kStatusOutOfResources; break;
        case StoreResponse::kCannotUnderstand: status = kStatusCannotUnderstand; break;
      }
    }
    return sendSTOREResponse(context.presentationContextID, request, status);
  }

  OFBool checkCallingAETitleAccepted(const OFString& calling_ae) override {
    const auto& allowed = config_.allowed_calling_aes;
    if (allowed.empty() ||
        std::find(allowed.begin(), allowed.end(), calling_ae.c_str()) != allowed.end()) {
      return OFTrue;
    }
    Report(DicomEvent::Kind::kAssociationRefused, "calling AE title not allowed",
           calling_ae.c_str());
    return OFFalse;
  }

  void notifyAssociationRequest(const T_ASC_Parameters& params,
                                DcmSCPActionType& action) override {
    DcmSCP::notifyAssociationRequest(params, action);
    // DcmSCP answers to any called AE title; a node answers to its own only.
    if (action == DCMSCP_ACTION_UNDEFINED &&
        OFString(params.DULparams.calledAPTitle) != getAETitle()) {
      Report(DicomEvent::Kind::kAssociationRefused, "called AE title is not ours",
             params.DULparams.callingAPTitle);
      action = DCMSCP_ACTION_REFUSE_ASSOCIATION;
    }
  }

  void notifyAssociationAcknowledge() override {
    Report(DicomEvent::Kind::kAssociationAccepted, "");
  }

  // Called as PDVs arrive (cumulative bytes of the object): past the limit the connection is
  // closed, so DCMTK's receive fails at once and no more memory is taken.
  void notifyRECEIVEProgress(const unsigned long bytes) override {
    received_ = bytes;
    if (too_large_ || received_ <= config_.max_object_bytes || association_ == nullptr) return;
    too_large_ = true;
    if (DcmTransportConnection* connection =
            DUL_getTransportConnection(association_->DULassociation)) {
      // shutdown, not close: the descriptor stays valid, its reads see the end at once.
      ::shutdown(SocketOf::Get(connection), SHUT_RDWR);
    }
  }

 private:
  void Report(DicomEvent::Kind kind, const std::string& detail,
              const std::string& calling_ae = "") {
    DicomEvent event{kind, calling_ae.empty() ? std::string(getPeerAETitle().c_str()) : calling_ae,
                     getPeerIP().c_str(), detail};
    on_event_(event);
  }

  const DicomListenerConfig& config_;
  DicomListener::StoreHandler& on_store_;
  DicomListener::EventHandler& on_event_;
  std::atomic<bool>& stop_;
  T_ASC_Association* association_ = nullptr;
  unsigned long received_ = 0;
  bool too_large_ = false;
};

struct DicomListener::Impl {
  DicomListenerConfig config;
  StoreHandler on_store;
  EventHandler on_event;
  std::atomic<bool> stop{false};
  T_ASC_Network* network = nullptr;

  // The associations being served, each on its own thread.
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::list<Worker> workers;

  void Configure(DcmSCPConfig& scp) const {
    scp.setAETitle(config.ae_title.c_str());
    scp.setPort(Uint16(config.port));
    scp.setMaxReceivePDULength(config.max_pdu_bytes);
    scp.setACSETimeout(Uint32(config.timeout_seconds));
    scp.setDIMSETimeout(Uint32(config.timeout_seconds));
    scp.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
    scp.setHostLookupEnabled(OFFalse);
    scp.setProgressNotificationMode(OFTrue);
    OFList<OFString> echo_syntaxes;
    echo_syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
    echo_syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
    scp.addPresentationContext(UID_VerificationSOPClass, echo_syntaxes);
    for (const std::string& sop_class :
         config.sop_classes.empty() ? StorageSopClasses() : config.sop_classes) {
      scp.addPresentationContext(sop_class.c_str(), ImageTransferSyntaxes());
    }
  }

  void Reap(bool all) {
    for (auto it = workers.begin(); it != workers.end();) {
      if (all || it->done->load()) {
        it->thread.join();
        it = workers.erase(it);
      } else {
        ++it;
      }
    }
  }

  // An association beyond --max-associations: rejected (transient, local limit exceeded).
  void Reject(T_ASC_Association* association) {
    T_ASC_RejectParameters reject = {ASC_RESULT_REJECTEDTRANSIENT,
                                     ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED,
                                     ASC_REASON_SP_PRES_LOCALLIMITEXCEEDED};
    on_event({DicomEvent::Kind::kAssociationRefused,
              association->params->DULparams.callingAPTitle, "",
              "more than " + std::to_string(config.max_associations) + " associations at once"});
    ASC_rejectAssociation(association, &reject);
  }
};

DicomListener::DicomListener(DicomListenerConfig config, StoreHandler on_store,
                             EventHandler on_event)
    : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  impl_->on_store = std::move(on_store);
  impl_->on_event = std::move(on_event);
}

DicomListener::~DicomListener() {
  impl_->Reap(/*all=*/true);
  if (impl_->network != nullptr) ASC_dropNetwork(&impl_->network);
}

void DicomListener::Stop() { impl_->stop = true; }

Status DicomListener::Bind() {
  dicom_internal::EnsureDcmtkDecoders();  // also silences DCMTK's logging
  if (impl_->network != nullptr) return Status::Ok();
  // DCMTK reads each A-ASSOCIATE-RQ on the accepting thread, with this network's timeout: a
  // peer that connects and says nothing holds every other one back until it passes. Real
  // peers send their request at once, so it is short, whatever --timeout says.
  const OFCondition c =
      ASC_initializeNetwork(NET_ACCEPTOR, impl_->config.port,
                            std::min(impl_->config.timeout_seconds, kAssociationRequestSeconds),
                            &impl_->network);
  if (c.bad()) {
    return Status(ErrorCode::kIoError, "DICOM node: cannot listen on port " +
                                           std::to_string(impl_->config.port) + ": " + c.text());
  }
  return Status::Ok();
}

Status DicomListener::Run() {
  if (Status s = Bind(); !s.ok()) return s;
  Impl& impl = *impl_;
  while (!impl.stop) {
    impl.Reap(/*all=*/false);
    T_ASC_Association* association = nullptr;
    // A 1 s timeout, so Stop() is seen within a second.
    const OFCondition c = ASC_receiveAssociation(impl.network, &association,
                                                 impl.config.max_pdu_bytes, nullptr, nullptr,
                                                 OFFalse, DUL_NOBLOCK, 1);
    if (c.bad()) {
      if (association != nullptr) {
        ASC_dropAssociation(association);
        ASC_destroyAssociation(&association);
      }
      continue;  // a timeout, or a peer that went away before its request
    }
    if (int(impl.workers.size()) >= impl.config.max_associations) {
      impl.Reject(association);
      ASC_dropAssociation(association);
      ASC_destroyAssociation(&association);
      continue;
    }
    auto done = std::make_shared<std::atomic<bool>>(false);
    impl.workers.push_back({std::thread([&impl, association, done] {
                              try {
                                StorageScp scp(impl.config, impl.on_store, impl.on_event,
                                               impl.stop);
                                impl.Configure(scp.getConfig());
                                scp.run(association);  // ends (and frees) the association
                              } catch (const std::exception&) {
                                // out of memory inside DCMTK: this association is lost
                              }
                              *done = true;
                            }),
                            done});
  }
  impl.Reap(/*all=*/true);  // the associations in progress finish
  return Status::Ok();
}

Status SendDicomObject(const DicomPeer& peer, const std::string& calling_ae,
                       std::string_view part10, int timeout_seconds) {
  const auto failed = [&peer](const std::string& what) {
    return Status(ErrorCode::kIoError, "C-STORE to " + peer.ae_title + "@" + peer.host + ":" +
                                           std::to_string(peer.port) + ": " + what);
  };
  try {
    dicom_internal::EnsureDcmtkDecoders();
    DcmFileFormat file;
    DcmInputBufferStream stream;
    stream.setBuffer(part10.data(), offile_off_t(part10.size()));
    stream.setEos();
    file.transferInit();
    const OFCondition read = file.read(stream);
    file.transferEnd();
    if (read.bad()) return Status(ErrorCode::kInternal, "C-STORE: the object cannot be read");
    DcmDataset* dataset = file.getDataset();
    const std::string sop_class = GetString(*dataset, DCM_SOPClassUID);
    const DcmXfer own(dataset->getOriginalXfer());

    DcmSCU scu;
    scu.setAETitle(calling_ae.c_str());
    scu.setPeerAETitle(peer.ae_title.c_str());
    scu.setPeerHostName(peer.host.c_str());
    scu.setPeerPort(Uint16(peer.port));
    scu.setACSETimeout(Uint32(timeout_seconds));
    scu.setDIMSETimeout(Uint32(timeout_seconds));
    scu.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
    scu.setConnectionTimeout(timeout_seconds);
    scu.setDatasetConversionMode(OFTrue);
    // Two contexts: the object's own syntax (sent as it is: DCMTK cannot re-encode every
    // syntax, JPEG 2000 for one), and uncompressed, for a peer that takes only that.
    OFList<OFString> own_syntax, uncompressed;
    own_syntax.push_back(own.getXferID());
    uncompressed.push_back(UID_LittleEndianExplicitTransferSyntax);
    uncompressed.push_back(UID_LittleEndianImplicitTransferSyntax);
    if (scu.addPresentationContext(sop_class.c_str(), own_syntax).bad() ||
        scu.addPresentationContext(sop_class.c_str(), uncompressed).bad() ||
        scu.initNetwork().bad()) {
      return failed("cannot set up the network");
    }
    if (OFCondition c = scu.negotiateAssociation(); c.bad()) {
      return failed(std::string("association refused or failed: ") + c.text());
    }
    T_ASC_PresentationContextID context =
        scu.findPresentationContextID(sop_class.c_str(), own.getXferID());
    if (context == 0) context = scu.findPresentationContextID(sop_class.c_str(), "");
    if (context == 0) {
      scu.releaseAssociation();
      return failed("the peer does not accept SOP class " + sop_class);
    }
    Uint16 response = 0;
    const OFCondition sent = scu.sendSTORERequest(context, "", dataset, response);
    scu.releaseAssociation();
    if (sent.bad()) return failed(std::string("C-STORE failed: ") + sent.text());
    if (response != kStatusSuccess && (response & 0xF000) != 0xB000) {  // B...: warnings
      char code[8];
      std::snprintf(code, sizeof code, "%04X", response);
      return failed(std::string("the peer answered status 0x") + code);
    }
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return Status(ErrorCode::kInternal, "C-STORE: out of memory");
  }
}

}  // namespace mammocad
