// Parquet footer and page headers (apache/parquet-format src/main/thrift/parquet.thrift),
// reduced to the fields a reader needs, and the schema tree with Dremel levels.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace upt::datasets::parquet {

enum PhysicalType : int { kBoolean = 0, kInt32 = 1, kInt64 = 2, kInt96 = 3, kFloat = 4, kDouble = 5,
                          kByteArray = 6, kFixedLenByteArray = 7 };
enum Repetition : int { kRequired = 0, kOptional = 1, kRepeated = 2 };
enum Codec : int { kUncompressed = 0, kSnappy = 1, kGzip = 2, kLzo = 3, kBrotli = 4, kLz4 = 5, kZstd = 6, kLz4Raw = 7 };
enum Encoding : int { kPlain = 0, kPlainDictionary = 2, kRle = 3, kBitPacked = 4, kDeltaBinaryPacked = 5,
                      kDeltaLengthByteArray = 6, kDeltaByteArray = 7, kRleDictionary = 8, kByteStreamSplit = 9 };
enum PageType : int { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };
enum ConvertedType : int { kConvUtf8 = 0, kConvMap = 1, kConvMapKeyValue = 2, kConvList = 3, kConvEnum = 4,
                           kConvJson = 19 };
// LogicalType union member ids.
enum LogicalId : int { kLogString = 1, kLogMap = 2, kLogList = 3, kLogEnum = 4, kLogJson = 12 };

const char* CodecName(int codec);
const char* EncodingName(int encoding);

struct SchemaElement {
  std::string name;
  int type = -1;  // PhysicalType; -1 for groups
  int type_length = 0;
  int repetition = kRequired;
  int num_children = 0;
  int converted_type = -1;
  int logical_type = -1;  // LogicalId, -1 when absent
};

struct ColumnMeta {
  int type = -1;
  std::vector<std::string> path;
  int codec = kUncompressed;
  int64_t num_values = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = -1;
  int64_t dictionary_page_offset = -1;
  bool has_meta = false;
};

struct RowGroupMeta {
  std::vector<ColumnMeta> columns;
  int64_t num_rows = 0;
};

struct FileMeta {
  int version = 0;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroupMeta> row_groups;
  std::string created_by;
  std::vector<std::pair<std::string, std::string>> key_value;
};

FileMeta ParseFileMeta(const uint8_t* data, size_t size);

struct PageHeader {
  int type = -1;
  int32_t uncompressed_size = 0;
  int32_t compressed_size = 0;
  int32_t num_values = 0;
  int encoding = kPlain;
  int def_encoding = kRle, rep_encoding = kRle;  // v1 only
  int32_t num_nulls = 0, num_rows = 0;            // v2 only
  int32_t def_bytes = 0, rep_bytes = 0;           // v2 only
  bool is_compressed = true;                      // v2 only
};

// Decodes the header at `data`; *header_size = its length in bytes.
PageHeader ParsePageHeader(const uint8_t* data, size_t size, size_t* header_size);

// How a node's value is presented as JSON.
enum class NodeKind {
  kLeaf,
  kStruct,       // object of the children
  kList,         // LIST-annotated group: array of its repeated child's content
  kListWrapper,  // the repeated group inside a 3-level list: its content is its one child
  kMap,          // MAP-annotated group: object from its repeated key_value child
};
// Independently of its kind, a REPEATED node's value is the array of its occurrences.

struct SchemaNode {
  const SchemaElement* el = nullptr;
  NodeKind kind = NodeKind::kLeaf;
  int def_level = 0;  // definition level at which this node is present
  int rep_level = 0;  // repetition level at which this node repeats (repeated nodes)
  int parent = -1;
  int column = -1;  // leaf: column index
  std::vector<int> children;
  std::vector<int> leaves;  // columns under this node (itself when a leaf)
  std::string path;         // dotted path, e.g. "prompt.list.element.content"
};

// The schema tree: nodes[0] is the root; columns[i] is the node of leaf column i.
struct Schema {
  std::vector<SchemaNode> nodes;
  std::vector<int> columns;
  static Schema Build(const std::vector<SchemaElement>& elements);
  int MaxDef(int column) const { return nodes[columns[column]].def_level; }
  int MaxRep(int column) const { return nodes[columns[column]].rep_level; }
};

}  // namespace upt::datasets::parquet
