#include "clients/paper/qr_svg.h"

#include <qrencode.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace uuro::paper {
namespace {

constexpr int kQuietZone = 4;  // Modules of white around the code.

struct QrFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

}  // namespace

absl::StatusOr<std::string> QrSvg(std::string_view text, int size_mm) {
  // 8-bit mode keeps the text exactly (case included); libqrencode needs a
  // NUL-terminated copy.
  std::string copy(text);
  std::unique_ptr<QRcode, QrFree> code(
      QRcode_encodeString8bit(copy.c_str(), 0, QR_ECLEVEL_M));
  if (!code) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot make a QR code of ", text.size(), " bytes"));
  }
  const int width = code->width;
  const int total = width + 2 * kQuietZone;
  // One path of unit squares: small, and crisp with shape-rendering.
  std::string path;
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width; ++x) {
      if (code->data[y * width + x] & 1) {
        absl::StrAppend(&path, "M", x + kQuietZone, " ", y + kQuietZone,
                        "h1v1h-1z");
      }
    }
  }
  return absl::StrCat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"",
      size_mm, "mm\" height=\"", size_mm, "mm\" viewBox=\"0 0 ", total, " ",
      total, "\" shape-rendering=\"crispEdges\"><rect width=\"", total,
      "\" height=\"", total, "\" fill=\"#fff\"/><path fill=\"#000\" d=\"", path,
      "\"/></svg>");
}

}  // namespace uuro::paper
