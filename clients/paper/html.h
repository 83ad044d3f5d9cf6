// Helpers for the printable HTML pages: escaping, and the A4 page frame.
#ifndef CLIENTS_PAPER_HTML_H_
#define CLIENTS_PAPER_HTML_H_

#include <string>
#include <string_view>

namespace uuro::paper {

// `text` safe inside HTML text and attribute values (& < > " ').
std::string HtmlEscape(std::string_view text);

// A whole HTML document titled `title` (escaped here) around `body` (HTML),
// with print CSS for A4 pages; each element of class "page" is one sheet.
std::string A4Document(std::string_view title, std::string_view body);

}  // namespace uuro::paper

#endif  // CLIENTS_PAPER_HTML_H_
