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
    // Defaults, except pUsePixelValues: by default the lossy encoder stretches the used pixel
    // range to the full 8 bits, which would change the grey levels of JPEG baseline fixtures.
    DJEncoderRegistration::registerCodecs(
        ECC_lossyYCbCr, EUC_default, /*pOptimizeHuffman=*/OFFalse, /*pSmoothingFactor=*/0,
        /*pForcedBitDepth=*/0, /*pFragmentSize=*/0, /*pCreateOffsetTable=*/OFTrue, ESS_422,
        /*pWriteYBR422=*/OFTrue, /*pConvertToSC=*/OFFalse, /*pWindowType=*/0,
        /*pWindowParameter=*/0, /*pVoiCenter=*/0.0, /*pVoiWidth=*/0.0, /*pRoiLeft=*/0,
        /*pRoiTop=*/0, /*pRoiWidth=*/0, /*pRoiHeight=*/0, /*pUsePixelValues=*/OFFalse);
    DJLSEncoderRegistration::registerCodecs();
  });
}

}  // namespace mammocad::dicom_internal
