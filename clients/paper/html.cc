#include "clients/paper/html.h"

#include "absl/strings/str_cat.h"

namespace uuro::paper {

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string A4Document(std::string_view title, std::string_view body) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>",
      HtmlEscape(title),
      "</title>\n<style>\n"
      "@page { size: A4; margin: 20mm; }\n"
      "body { font-family: sans-serif; font-size: 11pt; color: #000; "
      "margin: 0; }\n"
      ".page { page-break-after: always; break-after: page; "
      "padding: 10mm 0; }\n"
      ".page:last-child { page-break-after: auto; break-after: auto; }\n"
      ".code { font-family: monospace; font-size: 16pt; "
      "letter-spacing: 0.05em; white-space: nowrap; }\n"
      ".qr { margin: 6mm 0; }\n"
      ".url, .key { font-family: monospace; font-size: 9pt; "
      "word-break: break-all; }\n"
      ".lang { margin-top: 6mm; }\n"
      ".warning { border: 1px solid #000; padding: 3mm; }\n"
      "</style>\n</head>\n<body>\n",
      std::string(body), "</body>\n</html>\n");
}

}  // namespace uuro::paper
