// The DCMTK bridge for writing Mammography CAD SR (cad_sr.h): the source's header read as the
// reader reads it (ReadDicomHeader), a TID 4000 tree built with dcmsr, the document written to
// bytes.
#include "dicom/cad_sr.h"

#include <dcmtk/config/osconfig.h>  // must come first among DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>  // EXS_LittleEndianExplicit
#include <dcmtk/dcmsr/dsrdoc.h>

#include <cstdio>
#include <new>
#include <vector>

#include "dicom/dicom_attributes.h"
#include "dicom/dcmtk_setup.h"
#include "dicom/part10.h"
#include "dicom/transfer_syntax.h"

namespace mammocad {
namespace {

using Code = DSRCodedEntryValue;

// Concepts of TID 4000 and its sub-templates (PS3.16): DCM codes, and SNOMED CT (SCT) where
// the context groups once listed SNOMED-RT (SRT, deprecated: dciodvfy warns about it).
const Code kMammographyCadReport("111036", "DCM", "Mammography CAD Report");
const Code kImageLibrary("111028", "DCM", "Image Library");
const Code kImageLaterality("111027", "DCM", "Image Laterality");
const Code kImageView("111031", "DCM", "Image View");
const Code kFindingsSummary("111017", "DCM", "CAD Processing and Findings Summary");
const Code kSucceededWithFindings("111242", "DCM", "All algorithms succeeded; with findings");
const Code kSucceededWithoutFindings("111241", "DCM",
                                     "All algorithms succeeded; without findings");
const Code kIndividualImpression("111034", "DCM", "Individual Impression/Recommendation");
const Code kRenderingIntent("111056", "DCM", "Rendering Intent");
const Code kPresentationRequired("111150", "DCM",
                                 "Presentation Required: Rendering device is expected to present");
const Code kPresentationOptional("111151", "DCM",
                                 "Presentation Optional: Rendering device may present");
const Code kSingleImageFinding("111059", "DCM", "Single Image Finding");
const Code kCalcificationCluster("129769006", "SCT", "Calcification Cluster");
const Code kIndividualCalcification("129770007", "SCT", "Individual Calcification");
const Code kAlgorithmName("111001", "DCM", "Algorithm Name");
const Code kAlgorithmVersion("111003", "DCM", "Algorithm Version");
const Code kCertaintyOfFinding("111012", "DCM", "Certainty of Finding");
const Code kPercent("%", "UCUM", "Percent");
const Code kNumberOfCalcifications("111038", "DCM", "Number of calcifications");
const Code kNoUnits("1", "UCUM", "no units");
const Code kCenter("111010", "DCM", "Center");
const Code kOutline("111041", "DCM", "Outline");
const Code kObserverType("121005", "DCM", "Observer Type");
const Code kDevice("121007", "DCM", "Device");
const Code kDeviceObserverUid("121012", "DCM", "Device Observer UID");
const Code kDeviceObserverName("121013", "DCM", "Device Observer Name");
const Code kLeft("80248007", "SCT", "Left breast");
const Code kRight("73056007", "SCT", "Right breast");
const Code kCranioCaudal("399162004", "SCT", "cranio-caudal");
const Code kMedioLateralOblique("399368009", "SCT", "medio-lateral oblique");

Status Internal(const std::string& what) {
  return Status(ErrorCode::kInternal, "CAD SR: " + what);
}

std::string GetString(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFStringArray(tag, value).bad()) return "";
  std::string text = value.c_str();
  while (!text.empty() && (text.back() == ' ' || text.back() == '\0')) text.pop_back();
  return text;
}

// The source's identity: what the report copies and references.
struct SourceIdentity {
  std::string sop_class_uid, sop_instance_uid, study_uid, series_uid;
  std::string laterality, view;  // code strings, possibly empty
};

Status ReadIdentity(DcmDataset& source, SourceIdentity* identity) {
  identity->sop_class_uid = GetString(source, DCM_SOPClassUID);
  identity->sop_instance_uid = GetString(source, DCM_SOPInstanceUID);
  identity->study_uid = GetString(source, DCM_StudyInstanceUID);
  identity->series_uid = GetString(source, DCM_SeriesInstanceUID);
  for (const auto& [uid, name] :
       {std::pair{&identity->sop_class_uid, "SOP Class UID (0008,0016)"},
        std::pair{&identity->sop_instance_uid, "SOP Instance UID (0008,0018)"},
        std::pair{&identity->study_uid, "Study Instance UID (0020,000D)"},
        std::pair{&identity->series_uid, "Series Instance UID (0020,000E)"}}) {
    if (uid->empty() || uid->size() > 64) {
      return Status(ErrorCode::kCorruptImage,
                    std::string("DICOM: no ") + name + ", which a CAD report must reference");
    }
  }
  identity->laterality = GetString(source, DCM_ImageLaterality);
  if (identity->laterality.empty()) identity->laterality = GetString(source, DCM_Laterality);
  identity->view = GetString(source, DCM_ViewPosition);
  return Status::Ok();
}

// Patient and study attributes copied as they are (the report belongs to the same study).
void CopyPatientAndStudy(DcmDataset& source, DcmDataset* report) {
  for (const DcmTagKey& tag :
       {DCM_SpecificCharacterSet, DCM_PatientName, DCM_PatientID, DCM_IssuerOfPatientID,
        DCM_PatientBirthDate, DCM_PatientSex, DCM_StudyInstanceUID, DCM_StudyDate,
        DCM_StudyTime, DCM_ReferringPhysicianName, DCM_StudyID, DCM_AccessionNumber,
        DCM_StudyDescription}) {
    DcmElement* element = nullptr;
    if (source.findAndGetElement(tag, element).good() && element != nullptr) {
      report->insert(static_cast<DcmElement*>(element->clone()), /*replaceOld=*/true);
    }
  }
}

std::string FormatNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

// Builds the tree of cad_sr.h below an empty document.
class ReportBuilder {
 public:
  ReportBuilder(DSRDocumentTree& tree, const CadAlgorithm& algorithm)
      : tree_(tree), algorithm_(algorithm) {}

  Status Build(const SourceIdentity& source, const std::vector<Finding>& findings) {
    root_ = tree_.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container);
    if (root_ == 0) return Internal("no root container");
    Check(tree_.getCurrentContentItem().setConceptName(kMammographyCadReport));
    Check(tree_.getCurrentContentItem().setTemplateIdentification("4000", "DCMR"));
    AddChild(DSRTypes::RT_hasObsContext, DSRTypes::VT_Code, kObserverType);
    Check(tree_.getCurrentContentItem().setCodeValue(kDevice));
    Add(DSRTypes::RT_hasObsContext, DSRTypes::VT_UIDRef, kDeviceObserverUid);
    Check(tree_.getCurrentContentItem().setStringValue(DeviceUid()));
    Add(DSRTypes::RT_hasObsContext, DSRTypes::VT_Text, kDeviceObserverName);
    Check(tree_.getCurrentContentItem().setStringValue("mammocad"));

    Add(DSRTypes::RT_contains, DSRTypes::VT_Container, kImageLibrary);
    image_ = tree_.addContentItem(DSRTypes::RT_contains, DSRTypes::VT_Image,
                                  DSRTypes::AM_belowCurrent);
    if (image_ == 0) return Internal("no image library entry");
    Check(tree_.getCurrentContentItem().setImageReference(
        DSRImageReferenceValue(source.sop_class_uid.c_str(), source.sop_instance_uid.c_str())));
    const Code* laterality = source.laterality == "L"   ? &kLeft
                             : source.laterality == "R" ? &kRight
                                                        : nullptr;
    const Code* view = source.view == "CC"    ? &kCranioCaudal
                       : source.view == "MLO" ? &kMedioLateralOblique
                                              : nullptr;
    bool below = true;
    for (const auto& [concept_name, value] : {std::pair{&kImageLaterality, laterality},
                                         std::pair{&kImageView, view}}) {
      if (value == nullptr) continue;
      AddAt(DSRTypes::RT_hasAcqContext, DSRTypes::VT_Code, *concept_name,
            below ? DSRTypes::AM_belowCurrent : DSRTypes::AM_afterCurrent);
      Check(tree_.getCurrentContentItem().setCodeValue(*value));
      below = false;
    }

    tree_.gotoNode(root_);
    tree_.gotoChild();  // the first child, then to the last one, so the summary is appended
    while (tree_.gotoNext() != 0) {}
    Add(DSRTypes::RT_contains, DSRTypes::VT_Code, kFindingsSummary);
    Check(tree_.getCurrentContentItem().setCodeValue(findings.empty() ? kSucceededWithoutFindings
                                                                      : kSucceededWithFindings));
    bool first = true;
    for (const Finding& finding : findings) {
      // The summary is INFERRED FROM the impressions (TID 4000 includes TID 4003 so).
      AddAt(DSRTypes::RT_inferredFrom, DSRTypes::VT_Container, kIndividualImpression,
            first ? DSRTypes::AM_belowCurrent : DSRTypes::AM_afterCurrent);
      first = false;
      const size_t impression = tree_.getNodeID();
      AddChild(DSRTypes::RT_hasConceptMod, DSRTypes::VT_Code, kRenderingIntent);
      Check(tree_.getCurrentContentItem().setCodeValue(kPresentationRequired));
      if (finding.kind == FindingKind::kCluster) {
        AddCluster(finding);
      } else {
        Calcification lone;
        lone.box = finding.box;
        lone.score = finding.score;
        lone.centre = cv::Point2f(finding.box.x + finding.box.width / 2.0f - 0.5f,
                                  finding.box.y + finding.box.height / 2.0f - 0.5f);
        AddCalcification(DSRTypes::RT_contains, DSRTypes::AM_afterCurrent, lone,
                         kPresentationRequired);
      }
      tree_.gotoNode(impression);
    }
    return status_;
  }

 private:
  // A cluster's single image finding after the current node: its properties, then one
  // Individual Calcification per member that it is INFERRED FROM.
  void AddCluster(const Finding& cluster) {
    Add(DSRTypes::RT_contains, DSRTypes::VT_Code, kSingleImageFinding);
    const size_t node = tree_.getNodeID();
    Check(tree_.getCurrentContentItem().setCodeValue(kCalcificationCluster));
    AddProperties(cluster.score, cluster.box,
                  cv::Point2f(cluster.box.x + cluster.box.width / 2.0f,
                              cluster.box.y + cluster.box.height / 2.0f),
                  kPresentationRequired);
    Add(DSRTypes::RT_hasProperties, DSRTypes::VT_Num, kNumberOfCalcifications);
    Check(tree_.getCurrentContentItem().setNumericValue(
        DSRNumericMeasurementValue(std::to_string(cluster.members.size()).c_str(), kNoUnits)));
    for (const Calcification& member : cluster.members) {
      AddCalcification(DSRTypes::RT_inferredFrom, DSRTypes::AM_afterCurrent, member,
                       kPresentationOptional);
    }
    tree_.gotoNode(node);
  }

  void AddCalcification(DSRTypes::E_RelationshipType relation, DSRTypes::E_AddMode mode,
                        const Calcification& calcification, const Code& intent) {
    AddAt(relation, DSRTypes::VT_Code, kSingleImageFinding, mode);
    Check(tree_.getCurrentContentItem().setCodeValue(kIndividualCalcification));
    const size_t node = tree_.getNodeID();
    AddProperties(calcification.score, calcification.box,
                  cv::Point2f(calcification.centre.x + 0.5f, calcification.centre.y + 0.5f),
                  intent);
    tree_.gotoNode(node);
  }

  // Below the current finding: rendering intent, algorithm, certainty, centre and outline.
  // The cursor ends on the last child added.
  void AddProperties(double score, const cv::Rect& box, cv::Point2f centre, const Code& intent) {
    AddChild(DSRTypes::RT_hasConceptMod, DSRTypes::VT_Code, kRenderingIntent);
    Check(tree_.getCurrentContentItem().setCodeValue(intent));
    Add(DSRTypes::RT_hasProperties, DSRTypes::VT_Text, kAlgorithmName);
    Check(tree_.getCurrentContentItem().setStringValue(algorithm_.name.c_str()));
    // A sibling, not a concept modifier of the name: the Mammography CAD SR IOD lets a TEXT
    // item modify nothing with a TEXT (DCMTK's constraint checker refuses it).
    Add(DSRTypes::RT_hasProperties, DSRTypes::VT_Text, kAlgorithmVersion);
    Check(tree_.getCurrentContentItem().setStringValue(algorithm_.version.c_str()));
    Add(DSRTypes::RT_hasProperties, DSRTypes::VT_Num, kCertaintyOfFinding);
    Check(tree_.getCurrentContentItem().setNumericValue(
        DSRNumericMeasurementValue(FormatNumber(score * 100).c_str(), kPercent)));

    DSRSpatialCoordinatesValue point(DSRTypes::GT_Point);
    point.getGraphicDataList().addItem(centre.x, centre.y);
    AddScoord(kCenter, point);
    DSRSpatialCoordinatesValue outline(DSRTypes::GT_Polyline);
    const float x0 = float(box.x), y0 = float(box.y);
    const float x1 = float(box.x + box.width), y1 = float(box.y + box.height);
    for (const auto& [x, y] : {std::pair{x0, y0}, std::pair{x1, y0}, std::pair{x1, y1},
                               std::pair{x0, y1}, std::pair{x0, y0}}) {
      outline.getGraphicDataList().addItem(x, y);
    }
    AddScoord(kOutline, outline);
  }

  // A SCOORD after the current node, SELECTED FROM the image library's entry (by reference).
  void AddScoord(const Code& concept_name, const DSRSpatialCoordinatesValue& value) {
    Add(DSRTypes::RT_hasProperties, DSRTypes::VT_SCoord, concept_name);
    const size_t node = tree_.getNodeID();
    Check(tree_.getCurrentContentItem().setSpatialCoordinates(value));
    if (tree_.addByReferenceRelationship(DSRTypes::RT_selectedFrom, image_) == 0) {
      Fail("SCOORD not SELECTED FROM the image library entry");
    }
    tree_.gotoNode(node);
  }

  void AddAt(DSRTypes::E_RelationshipType relation, DSRTypes::E_ValueType type,
             const Code& concept_name, DSRTypes::E_AddMode mode) {
    if (tree_.addContentItem(relation, type, mode) == 0) {
      Fail("cannot add '" + std::string(concept_name.getCodeMeaning().c_str()) + "'");
      return;
    }
    Check(tree_.getCurrentContentItem().setConceptName(concept_name));
  }
  void Add(DSRTypes::E_RelationshipType relation, DSRTypes::E_ValueType type,
           const Code& concept_name) {
    AddAt(relation, type, concept_name, DSRTypes::AM_afterCurrent);
  }
  void AddChild(DSRTypes::E_RelationshipType relation, DSRTypes::E_ValueType type,
                const Code& concept_name) {
    AddAt(relation, type, concept_name, DSRTypes::AM_belowCurrent);
  }

  void Check(const OFCondition& condition) {
    if (condition.bad()) Fail(condition.text());
  }
  void Fail(const std::string& what) {
    if (status_.ok()) status_ = Internal(what);
  }

  // One UID per process for this device (Device Observer UID): stable while it runs.
  static const char* DeviceUid() {
    static const std::string uid = [] {
      char buffer[100];
      return std::string(dcmGenerateUniqueIdentifier(buffer, SITE_INSTANCE_UID_ROOT));
    }();
    return uid.c_str();
  }

  DSRDocumentTree& tree_;
  const CadAlgorithm& algorithm_;
  size_t root_ = 0;
  size_t image_ = 0;
  Status status_ = Status::Ok();
};

Status WriteDocument(DSRDocument& document, DcmDataset& source, std::string* sr_bytes) {
  DcmFileFormat file;
  DcmDataset* dataset = file.getDataset();
  if (OFCondition c = document.write(*dataset); c.bad()) return Internal(c.text());
  CopyPatientAndStudy(source, dataset);
  // Explicit VR little endian: every DICOM reader and network peer takes it.
  return dicom_internal::WritePart10(file, EXS_LittleEndianExplicit, sr_bytes);
}

}  // namespace

std::string_view MammographyCadSrSopClassUid() { return UID_MammographyCADSRStorage; }

Status WriteMammographyCadSr(std::string_view source_dicom, const std::vector<Finding>& findings,
                             const CadAlgorithm& algorithm, const DecodeLimits& limits,
                             std::string* sr_bytes) {
  if (sr_bytes == nullptr) return Internal("no output");
  try {
    dicom_internal::EnsureDcmtkDecoders();  // also silences DCMTK's logging
    DcmFileFormat source_file;
    if (Status s = dicom_internal::ReadDicomHeader(source_dicom, limits, &source_file); !s.ok()) {
      return s;
    }
    DcmDataset& source = *source_file.getDataset();
    SourceIdentity identity;
    if (Status s = ReadIdentity(source, &identity); !s.ok()) return s;

    DSRDocument document(DSRTypes::DT_MammographyCadSR);
    if (OFCondition c = document.createNewSeriesInStudy(identity.study_uid.c_str()); c.bad()) {
      return Internal(c.text());
    }
    document.setManufacturer("mammocad");
    document.setSeriesDescription("mammocad CAD report");
    ReportBuilder builder(document.getTree(), algorithm);
    if (Status s = builder.Build(identity, findings); !s.ok()) return s;
    if (OFCondition c = document.getCurrentRequestedProcedureEvidence().addItem(
            identity.study_uid.c_str(), identity.series_uid.c_str(),
            identity.sop_class_uid.c_str(), identity.sop_instance_uid.c_str());
        c.bad()) {
      return Internal(c.text());
    }
    document.completeDocument();  // automatic: CAD reports are final when written
    return WriteDocument(document, source, sr_bytes);
  } catch (const std::bad_alloc&) {
    return Internal("out of memory");
  } catch (const std::exception&) {
    return Internal("unexpected failure");
  }
}

}  // namespace mammocad
