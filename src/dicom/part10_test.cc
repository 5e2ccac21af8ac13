#include "dicom/part10.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

namespace mammocad::dicom_internal {
namespace {

TEST(Part10Test, WritesAPreambleAMetaHeaderAndTheDatasetThatReadBack) {
  for (E_TransferSyntax xfer : {EXS_LittleEndianExplicit, EXS_LittleEndianImplicit}) {
    DcmFileFormat file;
    file.getDataset()->putAndInsertString(DCM_SOPClassUID, UID_SecondaryCaptureImageStorage);
    file.getDataset()->putAndInsertString(DCM_SOPInstanceUID, "1.2.3.4");
    file.getDataset()->putAndInsertString(DCM_PatientID, "P-1");
    std::string bytes;
    ASSERT_TRUE(WritePart10(file, xfer, &bytes).ok());
    ASSERT_GT(bytes.size(), 132u);
    EXPECT_EQ(bytes.substr(128, 4), "DICM");

    DcmFileFormat read;
    DcmInputBufferStream stream;
    stream.setBuffer(bytes.data(), offile_off_t(bytes.size()));
    stream.setEos();
    read.transferInit();
    ASSERT_TRUE(read.read(stream).good());
    read.transferEnd();
    OFString value;
    ASSERT_TRUE(read.getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, value).good());
    EXPECT_EQ(value, DcmXfer(xfer).getXferID());
    ASSERT_TRUE(read.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPInstanceUID, value).good());
    EXPECT_EQ(value, "1.2.3.4");
    ASSERT_TRUE(read.getDataset()->findAndGetOFString(DCM_PatientID, value).good());
    EXPECT_EQ(value, "P-1");
  }
}

}  // namespace
}  // namespace mammocad::dicom_internal
