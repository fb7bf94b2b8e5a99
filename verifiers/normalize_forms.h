// Whole-answer forms that Normalize() rewrites before the general rules:
// clock times and degree marks inside trigonometric arguments (internal to
// verifiers/).
#pragma once
#include <string>
#include <string_view>

namespace upt::verifiers {

// "\\text", "\\mathrm", ...: a command whose braces hold plain text.
bool IsTextCommand(std::string_view cmd);

// "H:MM[:SS] [am|pm]" as the whole answer -> "H:MM" on the 24-hour clock; other
// strings unchanged.
void ClockTime(std::string* s);

// A degree mark inside the argument of \sin, \cos, \tan, \cot, \sec, \csc means
// pi/180: "\\sin(90^\\circ - x)" -> "\\sin(90\\cdot\\frac{\\pi}{180} - x)",
// "\\cos 60^\\circ" -> "\\cos(60\\cdot\\frac{\\pi}{180})". Degree marks elsewhere
// ("30^\\circ" as an angle answer) are left for Normalize to drop.
std::string TrigDegrees(std::string_view s);

// "\begin{cases} a+b=1 \\ a-b=2 \end{cases}" as the whole answer (rows all
// relations, no "&") -> "a+b=1, a-b=2"; other strings unchanged.
void CasesSystem(std::string* s);

}  // namespace upt::verifiers
