// An HTTP request and reply as plain values, so the routes (server/routes.h) can be tested
// without sockets and know nothing of the HTTP library. http_server.cc converts to and from
// the HTTP library's types (multipart bodies through server/multipart.h).
#ifndef MAMMOCAD_SERVER_HTTP_TYPES_H_
#define MAMMOCAD_SERVER_HTTP_TYPES_H_

#include <string>
#include <utility>
#include <vector>

namespace mammocad {

using NameValues = std::vector<std::pair<std::string, std::string>>;  // in the order sent

// A multipart part sent with a file name.
struct UploadedPart {
  std::string field;         // the multipart field name, e.g. "images"
  std::string filename;      // as sent; never trusted (nor logged: it may name the patient)
  std::string content_type;  // as sent; never trusted (formats are recognised by content)
  std::string bytes;
};

struct HttpRequest {
  std::string method;  // "GET", "POST", ... (HEAD is answered as GET)
  std::string path;    // without the query string
  NameValues query;    // query-string parameters, decoded
  std::string content_type;       // the Content-Type header, "" when absent
  bool has_content_length = false;
  std::string transfer_encoding;  // the Transfer-Encoding header, "" when absent
  NameValues form;                // multipart parts without a file name: plain form values
  std::vector<UploadedPart> uploads;  // multipart parts with a file name
};

struct HttpReply {
  int status = 200;
  std::string content_type;  // "application/json", "image/jpeg" or text for /metrics
  std::string body;
  NameValues headers;        // further headers, e.g. Allow, Connection
  // Appended to the request's access-log line (not sent): what only the route knows, e.g.
  // the images' spacing sources. Never file names or form values (patient data).
  std::string log_note;
  // Not sent either, for the metrics: the error-table name of an error reply ("" for a
  // success), and the seconds spent per stage ("decode", "detect", "render").
  std::string error_name;
  std::vector<std::pair<std::string, double>> stage_seconds;
};

}  // namespace mammocad

#endif  // MAMMOCAD_SERVER_HTTP_TYPES_H_
