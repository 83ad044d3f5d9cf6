// QR codes as inline SVG, encoded by libqrencode, for printed letters and
// key cards: vector output stays sharp at any print resolution.
#ifndef CLIENTS_PAPER_QR_SVG_H_
#define CLIENTS_PAPER_QR_SVG_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace uuro::paper {

// An <svg> element of `text` as a QR code (error correction level M, with
// the four-module quiet zone scanners need), `size_mm` wide and high.
// INVALID_ARGUMENT if the text does not fit a QR code.
absl::StatusOr<std::string> QrSvg(std::string_view text, int size_mm);

}  // namespace uuro::paper

#endif  // CLIENTS_PAPER_QR_SVG_H_
