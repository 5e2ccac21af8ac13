#include "dicom/cad_sr.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dicom/dicom_writer.h"

namespace mammocad {
namespace {

// One content item of the report as read back from its dataset, with its children.
struct Item {
  std::string relationship, value_type, concept_code, code_value, text;
  double number = 0;
  std::vector<float> graphic;
  std::vector<Item> children;
};

std::string Get(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  item.findAndGetOFStringArray(tag, value);
  return value.c_str();
}

std::string CodeIn(DcmItem& item, const DcmTagKey& sequence) {
  DcmItem* code = nullptr;
  if (item.findAndGetSequenceItem(sequence, code, 0).bad() || code == nullptr) return "";
  return Get(*code, DCM_CodeValue);
}

std::vector<Item> Children(DcmItem& parent) {
  std::vector<Item> items;
  DcmItem* child = nullptr;
  for (unsigned long i = 0;
       parent.findAndGetSequenceItem(DCM_ContentSequence, child, long(i)).good() && child; ++i) {
    Item item;
    item.relationship = Get(*child, DCM_RelationshipType);
    item.value_type = Get(*child, DCM_ValueType);
    item.concept_code = CodeIn(*child, DCM_ConceptNameCodeSequence);
    item.code_value = CodeIn(*child, DCM_ConceptCodeSequence);
    item.text = Get(*child, DCM_TextValue);
    DcmItem* measured = nullptr;
    if (child->findAndGetSequenceItem(DCM_MeasuredValueSequence, measured, 0).good() && measured) {
      item.number = std::stod(Get(*measured, DCM_NumericValue));
    }
    const Float32* graphic = nullptr;
    unsigned long count = 0;
    if (child->findAndGetFloat32Array(DCM_GraphicData, graphic, &count).good()) {
      item.graphic.assign(graphic, graphic + count);
    }
    item.children = Children(*child);
    items.push_back(std::move(item));
    child = nullptr;
  }
  return items;
}

const Item* Find(const std::vector<Item>& items, const std::string& concept_code, int nth = 0) {
  for (const Item& item : items)
    if (item.concept_code == concept_code && nth-- == 0) return &item;
  return nullptr;
}

std::vector<float> Outline(const cv::Rect& box) {
  const float x0 = box.x, y0 = box.y, x1 = box.x + box.width, y1 = box.y + box.height;
  return {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
}

class CadSrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DicomWriteOptions options;
    options.laterality = "L";
    options.view = "CC";
    options.patient_id = "SR-TEST-42";
    ASSERT_TRUE(WriteDicom(cv::Mat(64, 48, CV_16UC1, cv::Scalar(1000)), options, &source_).ok());
    ASSERT_TRUE(Parse(source_, &source_file_));

    Finding cluster;
    cluster.kind = FindingKind::kCluster;
    cluster.score = 0.8125;
    cluster.box = cv::Rect(10, 12, 20, 16);
    cluster.members = {Calcification{cv::Rect(11, 13, 3, 3), cv::Point2f(12, 14), 0.5, 0.2, 4},
                       Calcification{cv::Rect(25, 24, 4, 3), cv::Point2f(26.5f, 25), 0.25, 0.3, 3}};
    Finding lone;
    lone.kind = FindingKind::kCalcification;
    lone.score = 0.375;
    lone.box = cv::Rect(40, 50, 3, 2);
    findings_ = {cluster, lone};
  }

  static bool Parse(const std::string& bytes, DcmFileFormat* file) {
    DcmInputBufferStream stream;
    stream.setBuffer(bytes.data(), offile_off_t(bytes.size()));
    stream.setEos();
    file->transferInit();
    const bool ok = file->read(stream).good();
    file->transferEnd();
    return ok;
  }

  std::string source_;
  DcmFileFormat source_file_;
  std::vector<Finding> findings_;
  const CadAlgorithm algorithm_{"mammocad BreastCalcify", "1.2.3 neural"};
};

TEST_F(CadSrTest, DcmtkReadsAMammographyCadReportOfTheSourceStudy) {
  std::string sr;
  const Status written = WriteMammographyCadSr(source_, findings_, algorithm_, DecodeLimits(), &sr);
  ASSERT_TRUE(written.ok()) << written.ToString();
  DcmFileFormat file;
  ASSERT_TRUE(Parse(sr, &file));
  DSRDocument document;
  ASSERT_TRUE(document.read(*file.getDataset()).good());
  EXPECT_EQ(document.getDocumentType(), DSRTypes::DT_MammographyCadSR);

  DcmDataset& report = *file.getDataset();
  DcmDataset& image = *source_file_.getDataset();
  EXPECT_EQ(Get(report, DCM_SOPClassUID), UID_MammographyCADSRStorage);
  EXPECT_EQ(Get(report, DCM_Modality), "SR");
  for (const DcmTagKey& copied :
       {DCM_PatientName, DCM_PatientID, DCM_StudyInstanceUID, DCM_StudyDate}) {
    EXPECT_EQ(Get(report, copied), Get(image, copied)) << DcmTag(copied).getTagName();
  }
  EXPECT_EQ(Get(report, DCM_PatientID), "SR-TEST-42");
  EXPECT_NE(Get(report, DCM_SeriesInstanceUID), Get(image, DCM_SeriesInstanceUID));
  EXPECT_NE(Get(report, DCM_SOPInstanceUID), Get(image, DCM_SOPInstanceUID));
  EXPECT_FALSE(Get(report, DCM_SOPInstanceUID).empty());

  // The source is the evidence, and the image library's entry.
  DcmItem* study = nullptr;
  ASSERT_TRUE(report.findAndGetSequenceItem(DCM_CurrentRequestedProcedureEvidenceSequence, study)
                  .good());
  DcmItem* series = nullptr;
  ASSERT_TRUE(study->findAndGetSequenceItem(DCM_ReferencedSeriesSequence, series).good());
  DcmItem* instance = nullptr;
  ASSERT_TRUE(series->findAndGetSequenceItem(DCM_ReferencedSOPSequence, instance).good());
  EXPECT_EQ(Get(*instance, DCM_ReferencedSOPInstanceUID), Get(image, DCM_SOPInstanceUID));

  EXPECT_EQ(CodeIn(report, DCM_ConceptNameCodeSequence), "111036");
  const std::vector<Item> root = Children(report);
  const Item* library = Find(root, "111028");
  ASSERT_NE(library, nullptr);
  ASSERT_EQ(library->children.size(), 1u);
  EXPECT_EQ(library->children[0].value_type, "IMAGE");
  ASSERT_NE(Find(library->children[0].children, "111027"), nullptr);
  EXPECT_EQ(Find(library->children[0].children, "111027")->code_value, "80248007");  // left
  EXPECT_EQ(Find(library->children[0].children, "111031")->code_value, "399162004");  // CC
  const Item* summary = Find(root, "111017");
  ASSERT_NE(summary, nullptr);
  EXPECT_EQ(summary->code_value, "111242");
  ASSERT_EQ(summary->children.size(), 2u);  // one impression per finding
}

TEST_F(CadSrTest, OutlinesCentresAndCertaintiesAreTheFindings) {
  std::string sr;
  const Status written = WriteMammographyCadSr(source_, findings_, algorithm_, DecodeLimits(), &sr);
  ASSERT_TRUE(written.ok()) << written.ToString();
  DcmFileFormat file;
  ASSERT_TRUE(Parse(sr, &file));
  const std::vector<Item> root = Children(*file.getDataset());
  const Item* summary = Find(root, "111017");
  ASSERT_NE(summary, nullptr);
  ASSERT_EQ(summary->children.size(), 2u);

  const Item* cluster = Find(summary->children[0].children, "111059");
  ASSERT_NE(cluster, nullptr);
  EXPECT_EQ(cluster->code_value, "129769006");
  EXPECT_EQ(Find(cluster->children, "111041")->graphic, Outline(findings_[0].box));
  EXPECT_EQ(Find(cluster->children, "111010")->graphic, (std::vector<float>{20, 20}));
  EXPECT_DOUBLE_EQ(Find(cluster->children, "111012")->number, 81.25);
  EXPECT_DOUBLE_EQ(Find(cluster->children, "111038")->number, 2);
  const Item* name = Find(cluster->children, "111001");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->text, "mammocad BreastCalcify");
  ASSERT_NE(Find(cluster->children, "111003"), nullptr);
  EXPECT_EQ(Find(cluster->children, "111003")->text, "1.2.3 neural");
  for (int m = 0; m < 2; ++m) {
    const Item* member = Find(cluster->children, "111059", m);
    ASSERT_NE(member, nullptr);
    EXPECT_EQ(member->relationship, "INFERRED FROM");
    EXPECT_EQ(member->code_value, "129770007");
    const Calcification& expected = findings_[0].members[m];
    EXPECT_EQ(Find(member->children, "111041")->graphic, Outline(expected.box));
    EXPECT_EQ(Find(member->children, "111010")->graphic,
              (std::vector<float>{expected.centre.x + 0.5f, expected.centre.y + 0.5f}));
    EXPECT_DOUBLE_EQ(Find(member->children, "111012")->number, expected.score * 100);
  }

  const Item* lone = Find(summary->children[1].children, "111059");
  ASSERT_NE(lone, nullptr);
  EXPECT_EQ(lone->code_value, "129770007");
  EXPECT_EQ(Find(lone->children, "111041")->graphic, Outline(findings_[1].box));
  EXPECT_DOUBLE_EQ(Find(lone->children, "111012")->number, 37.5);
}

TEST_F(CadSrTest, NoFindingsIsAReportSayingSo) {
  std::string sr;
  ASSERT_TRUE(WriteMammographyCadSr(source_, {}, algorithm_, DecodeLimits(), &sr).ok());
  DcmFileFormat file;
  ASSERT_TRUE(Parse(sr, &file));
  const std::vector<Item> root = Children(*file.getDataset());
  const Item* summary = Find(root, "111017");
  ASSERT_NE(summary, nullptr);
  EXPECT_EQ(summary->code_value, "111241");
  EXPECT_TRUE(summary->children.empty());
}

TEST_F(CadSrTest, RefusesWhatIsNoReferenceableDicomImage) {
  std::string sr;
  EXPECT_EQ(WriteMammographyCadSr("", findings_, algorithm_, DecodeLimits(), &sr).code(),
            ErrorCode::kEmptyFile);
  EXPECT_EQ(WriteMammographyCadSr(std::string(300, 'x'), findings_, algorithm_, DecodeLimits(), &sr)
                .code(),
            ErrorCode::kCorruptImage);
  // A file without its SOP Instance UID cannot be referenced.
  DcmFileFormat copy(source_file_);
  copy.getDataset()->findAndDeleteElement(DCM_SOPInstanceUID);
  copy.getMetaInfo()->findAndDeleteElement(DCM_MediaStorageSOPInstanceUID);
  std::string bytes(source_.size() + 4096, '\0');
  DcmOutputBufferStream out(bytes.data(), offile_off_t(bytes.size()));
  copy.transferInit();
  ASSERT_TRUE(copy.write(out, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr).good());
  copy.transferEnd();
  void* data = nullptr;
  offile_off_t used = 0;
  out.flushBuffer(data, used);
  bytes.resize(std::size_t(used));
  const Status status = WriteMammographyCadSr(bytes, findings_, algorithm_, DecodeLimits(), &sr);
  EXPECT_EQ(status.code(), ErrorCode::kCorruptImage);
  EXPECT_NE(status.message().find("SOP Instance UID"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace mammocad
