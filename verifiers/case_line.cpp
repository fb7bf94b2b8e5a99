// Fast reader for the cases-line format (see case_line.h). Strings are decoded
// per RFC 8259 (escapes, \uXXXX with surrogate pairs); anything outside the
// fast path's shape is handed to nlohmann::json, so results never differ.
#include "verifiers/case_line.h"

#include "core/json.h"

namespace upt::verifiers {
namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  void Ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r' || s_[i_] == '\n')) ++i_;
  }
  bool Eat(char c) {
    Ws();
    if (i_ < s_.size() && s_[i_] == c) { ++i_; return true; }
    return false;
  }
  bool Peek(char c) { Ws(); return i_ < s_.size() && s_[i_] == c; }
  bool AtEnd() { Ws(); return i_ == s_.size(); }

  static int Hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool Hex4(unsigned* out) {
    if (s_.size() - i_ < 4) return false;
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      int h = Hex(s_[i_ + k]);
      if (h < 0) return false;
      v = v * 16 + static_cast<unsigned>(h);
    }
    i_ += 4;
    *out = v;
    return true;
  }
  static void Utf8(unsigned cp, std::string* out) {
    if (cp < 0x80) { *out += static_cast<char>(cp); }
    else if (cp < 0x800) { *out += static_cast<char>(0xC0 | (cp >> 6)); *out += static_cast<char>(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) {
      *out += static_cast<char>(0xE0 | (cp >> 12));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *out += static_cast<char>(0xF0 | (cp >> 18));
      *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // A JSON string at the cursor; false when malformed or not a string.
  bool String(std::string* out) {
    if (!Eat('"')) return false;
    out->clear();
    for (;;) {
      size_t j = i_;
      while (j < s_.size() && s_[j] != '"' && s_[j] != '\\' && static_cast<unsigned char>(s_[j]) >= 0x20) ++j;
      out->append(s_.data() + i_, j - i_);
      i_ = j;
      if (i_ >= s_.size() || static_cast<unsigned char>(s_[i_]) < 0x20) return false;
      if (s_[i_] == '"') { ++i_; return true; }
      if (++i_ >= s_.size()) return false;
      char e = s_[i_++];
      switch (e) {
        case '"': *out += '"'; break;
        case '\\': *out += '\\'; break;
        case '/': *out += '/'; break;
        case 'b': *out += '\b'; break;
        case 'f': *out += '\f'; break;
        case 'n': *out += '\n'; break;
        case 'r': *out += '\r'; break;
        case 't': *out += '\t'; break;
        case 'u': {
          unsigned cp;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00) {
            unsigned lo;
            if (s_.compare(i_, 2, "\\u") != 0) return false;
            i_ += 2;
            if (!Hex4(&lo) || lo < 0xDC00 || lo >= 0xE000) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            return false;
          }
          Utf8(cp, out);
          break;
        }
        default:
          return false;
      }
    }
  }
  bool Literal(std::string_view w) {
    Ws();
    if (s_.compare(i_, w.size(), w) != 0) return false;
    i_ += w.size();
    return true;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

// The fast path; false means "not this exact shape" (caller falls back).
bool FastParse(std::string_view line, GradeItem* item, bool* has_gold, bool* has_pred) {
  Scanner sc(line);
  if (!sc.Eat('{')) return false;
  std::string key;
  if (sc.Eat('}')) return sc.AtEnd();
  do {
    if (!sc.String(&key) || !sc.Eat(':')) return false;
    if (key == "gold") {
      if (!sc.String(&item->gold)) return false;
      *has_gold = true;
    } else if (key == "pred") {
      if (!sc.String(&item->completion)) return false;
      *has_pred = true;
    } else if (key == "mc") {
      if (sc.Literal("true")) item->mc = true;
      else if (sc.Literal("false")) item->mc = false;
      else return false;
    } else if (key == "choices") {
      if (!sc.Eat('[')) return false;
      item->choices.clear();
      if (!sc.Eat(']')) {
        do {
          std::string c;
          if (!sc.String(&c)) return false;
          item->choices.push_back(std::move(c));
        } while (sc.Eat(','));
        if (!sc.Eat(']')) return false;
      }
    } else {
      return false;  // other fields: let the general parser skip them
    }
  } while (sc.Eat(','));
  return sc.Eat('}') && sc.AtEnd();
}

bool SlowParse(std::string_view line, GradeItem* item, std::string* error) {
  Json in = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (in.is_discarded() || !in.is_object()) { *error = "invalid JSON object"; return false; }
  auto str = [&](const char* f, std::string* out) {
    auto it = in.find(f);
    if (it == in.end() || !it->is_string()) {
      *error = std::string("field '") + f + "' must be a string";
      return false;
    }
    *out = it->get<std::string>();
    return true;
  };
  if (!str("gold", &item->gold) || !str("pred", &item->completion)) return false;
  if (auto it = in.find("mc"); it != in.end()) {
    if (!it->is_boolean()) { *error = "field 'mc' must be a boolean"; return false; }
    item->mc = it->get<bool>();
  }
  if (auto it = in.find("choices"); it != in.end()) {
    if (!it->is_array()) { *error = "field 'choices' must be an array of strings"; return false; }
    for (const auto& c : *it) {
      if (!c.is_string()) { *error = "field 'choices' must be an array of strings"; return false; }
      item->choices.push_back(c.get<std::string>());
    }
  }
  return true;
}

}  // namespace

bool ParseCaseLine(std::string_view line, GradeItem* item, std::string* error) {
  *item = GradeItem{};
  bool has_gold = false, has_pred = false;
  if (FastParse(line, item, &has_gold, &has_pred) && has_gold && has_pred) return true;
  *item = GradeItem{};
  return SlowParse(line, item, error);
}

}  // namespace upt::verifiers
