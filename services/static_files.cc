#include "services/static_files.h"

#include <sys/stat.h>
#include <zlib.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace uuro::server {

const char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

namespace {

constexpr size_t kMaxFileBytes = 64 << 20;
// Below this, gzip saves less than its header costs.
constexpr size_t kMinCompressBytes = 512;

struct TypeRow {
  const char* extension;
  const char* type;
};
constexpr TypeRow kTypes[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".webmanifest", "application/manifest+json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".wasm", "application/wasm"},
};

const char* ContentType(const std::string& path) {
  for (const TypeRow& row : kTypes) {
    if (absl::EndsWith(path, row.extension)) return row.type;
  }
  return "application/octet-stream";
}

std::optional<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Whether the client said it takes gzip (q=0 means it does not).
bool AcceptsGzip(const std::string& header) {
  for (absl::string_view part : absl::StrSplit(header, ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (!absl::StartsWith(part, "gzip")) continue;
    return !absl::StrContains(part, "q=0") || absl::StrContains(part, "q=0.");
  }
  return false;
}

// Text worth compressing when the app ships no ".gz" of it.
bool Compressible(const char* type) {
  const std::string t = type;
  return absl::StartsWith(t, "text/") || absl::StartsWith(t, "image/svg") ||
         absl::StartsWith(t, "application/json") ||
         absl::StartsWith(t, "application/manifest");
}

// `data` as a gzip stream (RFC 1952), or nullopt if zlib fails.
std::optional<std::string> Gzip(const std::string& data) {
  z_stream z{};
  // 15 window bits + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return std::nullopt;
  }
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int done = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (done != Z_STREAM_END) return std::nullopt;
  return out;
}

// The path as segments under the root; nullopt for "..", "." or a hidden
// segment (".git"), which the app never needs.
std::optional<std::string> Relative(const std::string& path) {
  std::string out;
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    if (absl::StartsWith(part, ".") || absl::StrContains(part, '\0')) {
      return std::nullopt;
    }
    absl::StrAppend(&out, "/", std::string(part));
  }
  return out;
}

}  // namespace

absl::StatusOr<StaticFiles> StaticFiles::Open(const std::string& root) {
  char real[PATH_MAX];
  struct stat info;
  if (::realpath(root.c_str(), real) == nullptr || ::stat(real, &info) != 0 ||
      !S_ISDIR(info.st_mode)) {
    return absl::NotFoundError(
        absl::StrCat("the web root ", root, " is not a folder"));
  }
  std::string path = real;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return StaticFiles(path);
}

std::optional<std::string> StaticFiles::Resolve(
    const std::string& relative) const {
  const std::string joined = root_ + relative;
  char real[PATH_MAX];
  if (::realpath(joined.c_str(), real) == nullptr) return std::nullopt;
  const std::string resolved = real;
  // A symbolic link may point anywhere; only what lands inside is served.
  if (!absl::StartsWith(resolved, root_ + "/")) return std::nullopt;
  struct stat info;
  if (::stat(real, &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  return resolved;
}

std::optional<HttpResponse> StaticFiles::Serve(const HttpRequest& req) const {
  if (req.method != "GET" && req.method != "HEAD") return std::nullopt;
  std::optional<std::string> relative = Relative(req.path);
  if (!relative) return HttpResponse::Text(404, "not found\n");
  if (relative->empty() || req.path.back() == '/') {
    *relative += "/index.html";
  }
  std::optional<std::string> file = Resolve(*relative);
  // A client-side route ("/initiatives/12") gets the app, which routes it;
  // a missing asset ("/app.js") is a plain 404.
  const std::string last = relative->substr(relative->rfind('/') + 1);
  if (!file && !absl::StrContains(last, '.')) file = Resolve("/index.html");
  if (!file) return HttpResponse::Text(404, "not found\n");

  HttpResponse res;
  res.content_type = ContentType(*file);
  res.Set("Content-Security-Policy", kContentSecurityPolicy);
  res.Set("X-Content-Type-Options", "nosniff");
  res.Set("Referrer-Policy", "no-referrer");
  // index.html names the current assets: always revalidate it. Assets
  // carry a content hash in their name in a built app.
  res.Set("Cache-Control", absl::EndsWith(*file, "/index.html")
                               ? "no-cache"
                               : "public, max-age=3600");
  std::string served = *file;
  std::optional<std::string> gz;
  const bool gzip = AcceptsGzip(req.Header("accept-encoding"));
  if (gzip) gz = Resolve(file->substr(root_.size()) + ".gz");
  // Without a ".gz" beside it, text is compressed here (the app's files are
  // small; a proxy in front may cache the result).
  bool compress_here = gzip && !gz && Compressible(res.content_type.c_str());
  res.Set("Vary", "Accept-Encoding");
  if (gz) {
    served = *gz;
    res.Set("Content-Encoding", "gzip");
  }
  struct stat info;
  if (::stat(served.c_str(), &info) != 0 ||
      static_cast<size_t>(info.st_size) > kMaxFileBytes) {
    return HttpResponse::Text(500, "cannot read the file\n");
  }
  compress_here =
      compress_here && static_cast<size_t>(info.st_size) >= kMinCompressBytes;
  const std::string etag = absl::StrCat(
      "\"", info.st_size, "-", info.st_mtim.tv_sec, ".", info.st_mtim.tv_nsec,
      gz || compress_here ? "-gz" : "", "\"");
  res.Set("ETag", etag);
  if (req.Header("if-none-match") == etag) {
    res.status = 304;
    return res;
  }
  std::optional<std::string> body = ReadWhole(served);
  if (!body) return HttpResponse::Text(500, "cannot read the file\n");
  if (compress_here) {
    if (std::optional<std::string> packed = Gzip(*body)) {
      res.Set("Content-Encoding", "gzip");
      body = std::move(packed);
    }
  }
  res.body = *std::move(body);
  return res;
}

}  // namespace uuro::server
