#include "lm/tokenizer/normalize.h"

#include <cstdlib>

#include <utf8proc.h>

#include "core/error.h"
#include "lm/tokenizer/pretokenize.h"

namespace upt::lm {
namespace {

std::string NormalizeValidRun(std::string_view run, int options) {
  bool ascii = true;
  for (char c : run) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return std::string(run);  // ASCII is invariant under every form
  utf8proc_uint8_t* dst = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(run.data()),
                                    static_cast<utf8proc_ssize_t>(run.size()), &dst,
                                    static_cast<utf8proc_option_t>(options));
  if (n < 0) return std::string(run);  // cannot happen for a valid run; keep bytes
  std::string out(reinterpret_cast<char*>(dst), static_cast<size_t>(n));
  std::free(dst);
  return out;
}

int FormOptions(std::string_view form) {
  int base = UTF8PROC_STABLE;
  if (form == "NFC") return base | UTF8PROC_COMPOSE;
  if (form == "NFD") return base | UTF8PROC_DECOMPOSE;
  if (form == "NFKC") return base | UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
  if (form == "NFKD") return base | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT;
  return -1;
}

class UnicodeForm final : public Normalizer {
 public:
  explicit UnicodeForm(std::string form) : form_(std::move(form)) {}
  std::string Apply(std::string_view t) const override { return UnicodeNormalize(t, form_); }

 private:
  std::string form_;
};

class Prepend final : public Normalizer {
 public:
  explicit Prepend(std::string p) : p_(std::move(p)) {}
  std::string Apply(std::string_view t) const override { return p_ + std::string(t); }

 private:
  std::string p_;
};

class Replace final : public Normalizer {
 public:
  Replace(std::string from, std::string to) : from_(std::move(from)), to_(std::move(to)) {}
  std::string Apply(std::string_view t) const override {
    if (from_.empty()) return std::string(t);
    std::string out;
    size_t pos = 0;
    for (size_t hit; (hit = t.find(from_, pos)) != std::string_view::npos; pos = hit + from_.size())
      out.append(t.substr(pos, hit - pos)).append(to_);
    out.append(t.substr(pos));
    return out;
  }

 private:
  std::string from_, to_;
};

class Sequence final : public Normalizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Normalizer>> s) : steps_(std::move(s)) {}
  std::string Apply(std::string_view t) const override {
    std::string cur(t);
    for (const auto& s : steps_) cur = s->Apply(cur);
    return cur;
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> steps_;
};

std::string FieldString(const Json& node, const char* key, const std::string& file,
                        const std::string& field) {
  auto it = node.find(key);
  if (it == node.end() || !it->is_string())
    throw Error("missing or non-string field", Where(file, 0, field + "." + key),
                "see the Hugging Face tokenizers documentation for this normalizer");
  return it->get<std::string>();
}

}  // namespace

std::string UnicodeNormalize(std::string_view text, std::string_view form) {
  int options = FormOptions(form);
  UPT_CHECK(options >= 0, "unknown normalization form");
  std::string out;
  out.reserve(text.size());
  size_t i = 0, run = 0;
  while (i < text.size()) {
    int32_t cp;
    int len = DecodeUtf8(text, i, &cp);
    if (cp < 0) {
      out += NormalizeValidRun(text.substr(run, i - run), options);
      out.push_back(text[i]);
      run = i + 1;
    }
    i += len;
  }
  out += NormalizeValidRun(text.substr(run), options);
  return out;
}

std::unique_ptr<Normalizer> ParseNormalizer(const Json& node, const std::string& file,
                                            const std::string& field) {
  if (node.is_null()) return nullptr;
  if (!node.is_object())
    throw Error("normalizer must be an object or null", Where(file, 0, field));
  std::string type = FieldString(node, "type", file, field);
  if (FormOptions(type) >= 0) return std::make_unique<UnicodeForm>(type);
  if (type == "Prepend") return std::make_unique<Prepend>(FieldString(node, "prepend", file, field));
  if (type == "Replace") {
    auto pat = node.find("pattern");
    if (pat == node.end() || !pat->is_object() || !pat->contains("String") ||
        !(*pat)["String"].is_string())
      throw Error("only Replace normalizers with a String pattern are supported",
                  Where(file, 0, field + ".pattern"), "Regex replace patterns are not implemented");
    return std::make_unique<Replace>((*pat)["String"].get<std::string>(),
                                     FieldString(node, "content", file, field));
  }
  if (type == "Sequence") {
    auto list = node.find("normalizers");
    if (list == node.end() || !list->is_array())
      throw Error("Sequence normalizer needs a 'normalizers' array", Where(file, 0, field + ".normalizers"));
    std::vector<std::unique_ptr<Normalizer>> steps;
    for (size_t k = 0; k < list->size(); ++k) {
      auto s = ParseNormalizer((*list)[k], file, field + ".normalizers[" + std::to_string(k) + "]");
      if (s) steps.push_back(std::move(s));
    }
    return std::make_unique<Sequence>(std::move(steps));
  }
  throw Error("unsupported normalizer type '" + type + "'", Where(file, 0, field + ".type"),
              "supported: NFC, NFD, NFKC, NFKD, Prepend, Replace (String), Sequence, null");
}

namespace {

struct ByteTables {
  std::string to_unicode[256];
  int to_byte[324];
  ByteTables() {
    for (int& b : to_byte) b = -1;
    int extra = 0;
    for (int b = 0; b < 256; ++b) {
      bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
      int cp = printable ? b : 256 + extra++;
      to_byte[cp] = b;
      char buf[4];
      int n = 0;
      if (cp < 0x80) {
        buf[n++] = static_cast<char>(cp);
      } else {
        buf[n++] = static_cast<char>(0xC0 | (cp >> 6));
        buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
      }
      to_unicode[b].assign(buf, n);
    }
  }
};
const ByteTables kBytes;

}  // namespace

const std::string& ByteToUnicode(unsigned char b) { return kBytes.to_unicode[b]; }

int UnicodeToByte(int32_t cp) { return (cp >= 0 && cp < 324) ? kBytes.to_byte[cp] : -1; }

std::string ByteLevelEncode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) out += kBytes.to_unicode[static_cast<unsigned char>(c)];
  return out;
}

std::string ByteLevelDecode(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  size_t i = 0;
  while (i < token.size()) {
    int32_t cp;
    int len = DecodeUtf8(token, i, &cp);
    int b = UnicodeToByte(cp);
    if (b >= 0) out.push_back(static_cast<char>(b));
    else out.append(token.substr(i, len));
    i += len;
  }
  return out;
}

}  // namespace upt::lm
