// Times in messages people read: ISO 8601 in UTC, never raw milliseconds.
#ifndef LEDGER_TLOG_ISO_TIME_H_
#define LEDGER_TLOG_ISO_TIME_H_

#include <cstdint>
#include <string>

namespace uuro {

// `ms` since the Unix epoch as ISO 8601 UTC: "2026-12-02T19:30:00Z", with
// ".250" before the Z when the milliseconds are not zero. Times after the
// year 9999 (which no calendar format holds) name the milliseconds instead.
std::string FormatIsoTime(uint64_t ms);

}  // namespace uuro

#endif  // LEDGER_TLOG_ISO_TIME_H_
