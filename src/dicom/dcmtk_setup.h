// One-time process-wide DCMTK setup, shared by the reader and the writer. Internal to
// src/dicom/ (DCMTK's codec registry is global state, so it is touched in exactly one place).
#ifndef MAMMOCAD_DICOM_DCMTK_SETUP_H_
#define MAMMOCAD_DICOM_DCMTK_SETUP_H_

namespace mammocad::dicom_internal {

// Registers the RLE, JPEG and JPEG-LS decoders and silences DCMTK's own logging (its messages
// could quote element values, and patient data must never reach a log). Idempotent and
// thread-safe (std::call_once).
void EnsureDcmtkDecoders();

// Same for the RLE, JPEG and JPEG-LS encoders (used by the DICOM writer only).
void EnsureDcmtkEncoders();

}  // namespace mammocad::dicom_internal

#endif  // MAMMOCAD_DICOM_DCMTK_SETUP_H_
