#include "datasets/parquet/column.h"

#include <cstring>

#include "datasets/parquet/codec.h"
#include "datasets/parquet/encoding.h"
#include "datasets/parquet/thrift.h"

namespace upt::datasets::parquet {
namespace {

int BitWidth(uint32_t max_value) {
  int w = 0;
  while (max_value >> w) ++w;
  return w;
}

// Levels of one page into `out` (appended); returns the end of the bytes read.
const uint8_t* ReadLevels(const uint8_t* p, const uint8_t* end, int max_level, size_t count, bool length_prefixed,
                          std::vector<uint8_t>* out) {
  const uint8_t* stop = end;
  if (length_prefixed) {
    if (end - p < 4) Corrupt("levels: truncated length");
    uint32_t n;
    std::memcpy(&n, p, 4);
    p += 4;
    if (n > static_cast<size_t>(end - p)) Corrupt("levels: length past the end of the page");
    stop = p + n;
  }
  std::vector<uint32_t> tmp;
  DecodeHybrid(p, stop, BitWidth(static_cast<uint32_t>(max_level)), count, &tmp);
  for (uint32_t v : tmp) {
    if (v > static_cast<uint32_t>(max_level)) Corrupt("level " + std::to_string(v) + " above the maximum " + std::to_string(max_level));
    out->push_back(static_cast<uint8_t>(v));
  }
  return length_prefixed ? stop : end;
}

class ChunkDecoder {
 public:
  ChunkDecoder(const ColumnMeta& meta, const SchemaElement& el, int max_def, int max_rep)
      : meta_(meta), el_(el), max_def_(max_def), max_rep_(max_rep) {}

  void Page(const PageHeader& h, const uint8_t* body) {
    if (h.type == kDictionaryPage) return Dictionary(h, body);
    if (h.type == kDataPage || h.type == kDataPageV2) return Data(h, body);
    // INDEX_PAGE and future page types carry no values.
  }

  ColumnData Take() { return std::move(out_); }

 private:
  void Dictionary(const PageHeader& h, const uint8_t* body) {
    if (h.encoding != kPlain && h.encoding != kPlainDictionary)
      Corrupt(std::string("dictionary page in ") + EncodingName(h.encoding) + " (only PLAIN is defined)");
    if (has_dict_) Corrupt("a second dictionary page");
    Decompress(meta_.codec, body, h.compressed_size, h.uncompressed_size, &buf_);
    auto* p = reinterpret_cast<const uint8_t*>(buf_.data());
    DecodePlain(p, p + buf_.size(), el_, static_cast<size_t>(h.num_values), &dict_);
    has_dict_ = true;
  }

  void Data(const PageHeader& h, const uint8_t* body) {
    const size_t n = static_cast<size_t>(h.num_values);
    if (out_.entries + n > kMaxEntriesPerChunk)
      Corrupt("more than " + std::to_string(kMaxEntriesPerChunk) + " values in one column chunk");
    const uint8_t* p;
    const uint8_t* end;
    if (h.type == kDataPage) {
      Decompress(meta_.codec, body, h.compressed_size, h.uncompressed_size, &buf_);
      p = reinterpret_cast<const uint8_t*>(buf_.data());
      end = p + buf_.size();
      if (max_rep_ > 0) {
        if (h.rep_encoding != kRle) Corrupt(std::string("repetition levels in ") + EncodingName(h.rep_encoding));
        p = ReadLevels(p, end, max_rep_, n, true, &out_.rep);
      }
      if (max_def_ > 0) {
        if (h.def_encoding != kRle) Corrupt(std::string("definition levels in ") + EncodingName(h.def_encoding));
        p = ReadLevels(p, end, max_def_, n, true, &out_.def);
      }
    } else {
      size_t levels = static_cast<size_t>(h.rep_bytes) + h.def_bytes;
      if (levels > static_cast<size_t>(h.compressed_size) || levels > static_cast<size_t>(h.uncompressed_size))
        Corrupt("v2 page: level bytes exceed the page");
      if (max_rep_ > 0) ReadLevels(body, body + h.rep_bytes, max_rep_, n, false, &out_.rep);
      if (max_def_ > 0) ReadLevels(body + h.rep_bytes, body + levels, max_def_, n, false, &out_.def);
      const uint8_t* values = body + levels;
      size_t csize = h.compressed_size - levels, usize = h.uncompressed_size - levels;
      Decompress(h.is_compressed ? meta_.codec : kUncompressed, values, csize, usize, &buf_);
      p = reinterpret_cast<const uint8_t*>(buf_.data());
      end = p + buf_.size();
    }
    size_t non_null = n;
    if (max_def_ > 0) {
      non_null = 0;
      for (size_t i = out_.def.size() - n; i < out_.def.size(); ++i) non_null += out_.def[i] == max_def_;
    }
    Values(h.encoding, p, end, non_null);
    out_.entries += n;
  }

  void Values(int encoding, const uint8_t* p, const uint8_t* end, size_t count) {
    switch (encoding) {
      case kPlain: return DecodePlain(p, end, el_, count, &out_.values);
      case kPlainDictionary:
      case kRleDictionary: {
        if (!has_dict_) Corrupt("dictionary-encoded page without a dictionary page");
        if (count == 0) return;
        if (p >= end) Corrupt("dictionary indices: missing bit width");
        int width = *p++;
        idx_.clear();
        DecodeHybrid(p, end, width, count, &idx_);
        for (uint32_t i : idx_) {
          if (i >= dict_.size()) Corrupt("dictionary index " + std::to_string(i) + " out of " + std::to_string(dict_.size()));
          if (dict_[i].is_string() && (expanded_ += dict_[i].get_ref<const std::string&>().size()) > kMaxBytesPerChunk)
            Corrupt("dictionary values expand to more than " + std::to_string(kMaxBytesPerChunk) + " bytes");
          out_.values.push_back(dict_[i]);
        }
        return;
      }
      case kRle: {
        if (el_.type != kBoolean) Corrupt("RLE values on a non-BOOLEAN column");
        if (end - p < 4) Corrupt("RLE booleans: truncated length");
        idx_.clear();
        ReadBools(p, end, count);
        return;
      }
      case kDeltaBinaryPacked:
      case kDeltaLengthByteArray:
      case kDeltaByteArray: return DecodeDelta(encoding, p, end, el_, count, &out_.values);
      case kByteStreamSplit: return DecodeByteStreamSplit(p, end, el_, count, &out_.values);
      default: Corrupt(std::string("value encoding ") + EncodingName(encoding) + " is not supported");
    }
  }

  void ReadBools(const uint8_t* p, const uint8_t* end, size_t count) {
    uint32_t n;
    std::memcpy(&n, p, 4);
    p += 4;
    if (n > static_cast<size_t>(end - p)) Corrupt("RLE booleans: length past the end of the page");
    DecodeHybrid(p, p + n, 1, count, &idx_);
    for (uint32_t b : idx_) out_.values.emplace_back(b != 0);
  }

  const ColumnMeta& meta_;
  const SchemaElement& el_;
  int max_def_, max_rep_;
  std::string buf_;
  std::vector<Json> dict_;
  bool has_dict_ = false;
  size_t expanded_ = 0;
  std::vector<uint32_t> idx_;
  ColumnData out_;
};

}  // namespace

ColumnData DecodeColumnChunk(const uint8_t* chunk, size_t size, const ColumnMeta& meta, const SchemaElement& el,
                             int max_def, int max_rep) {
  if (meta.type != el.type) Corrupt("column type differs from the schema's");
  ChunkDecoder dec(meta, el, max_def, max_rep);
  size_t pos = 0;
  int64_t seen = 0;
  while (pos < size && seen < meta.num_values) {
    size_t header_size = 0;
    PageHeader h = ParsePageHeader(chunk + pos, size - pos, &header_size);
    pos += header_size;
    if (static_cast<size_t>(h.compressed_size) > size - pos)
      Corrupt("page of " + std::to_string(h.compressed_size) + " bytes runs past the column chunk");
    dec.Page(h, chunk + pos);
    if (h.type == kDataPage || h.type == kDataPageV2) seen += h.num_values;
    pos += h.compressed_size;
  }
  ColumnData out = dec.Take();
  if (static_cast<int64_t>(out.entries) != meta.num_values)
    Corrupt("column chunk holds " + std::to_string(out.entries) + " values, its metadata says " +
            std::to_string(meta.num_values) + " (truncated?)");
  return out;
}

}  // namespace upt::datasets::parquet
