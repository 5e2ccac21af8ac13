// The viewer's files (web/) compiled into the binary: the table that cmake/EmbedFiles.cmake
// generates at build time (embedded_files.cc in the build tree). Only viewer_assets.cc reads
// it; everyone else asks FindViewerAsset() (server/viewer_assets.h).
#ifndef MAMMOCAD_SERVER_EMBEDDED_FILES_H_
#define MAMMOCAD_SERVER_EMBEDDED_FILES_H_

#include <cstddef>

namespace mammocad {

struct EmbeddedFile {
  const char* path;            // "/index.html": the file's path under web/, with a leading '/'
  const unsigned char* bytes;  // static storage
  std::size_t size;
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const int kEmbeddedFileCount;

}  // namespace mammocad

#endif  // MAMMOCAD_SERVER_EMBEDDED_FILES_H_
