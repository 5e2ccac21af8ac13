#include "dicom/dcmtk_setup.h"

#include <dcmtk/config/osconfig.h>  // must come first among DCMTK headers
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/oflog/oflog.h>

#include <mutex>

namespace mammocad::dicom_internal {
namespace {

void SilenceDcmtkLogging() {
  static std::once_flag once;
  std::call_once(once, [] { OFLog::configure(OFLogger::OFF_LOG_LEVEL); });
}

}  // namespace

void EnsureDcmtkDecoders() {
  static std::once_flag once;
  std::call_once(once, [] {
    SilenceDcmtkLogging();
    DcmRLEDecoderRegistration::registerCodecs();
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
  });
}

void EnsureDcmtkEncoders() {
  static std::once_flag once;
  std::call_once(once, [] {
    SilenceDcmtkLogging();
    DcmRLEEncoderRegistration::registerCodecs();
    DJEncoderRegistration::registerCodecs();
    DJLSEncoderRegistration::registerCodecs();
  });
}

}  // namespace mammocad::dicom_internal
