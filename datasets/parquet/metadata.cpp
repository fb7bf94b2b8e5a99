#include "datasets/parquet/metadata.h"

#include "datasets/parquet/thrift.h"

namespace upt::datasets::parquet {

const char* CodecName(int c) {
  static const char* names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
  return c >= 0 && c < 8 ? names[c] : "unknown codec";
}

const char* EncodingName(int e) {
  static const char* names[] = {"PLAIN",      "GROUP_VAR_INT",      "PLAIN_DICTIONARY",        "RLE",
                                "BIT_PACKED", "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
                                "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};
  return e >= 0 && e < 10 ? names[e] : "unknown encoding";
}

namespace {

// Calls fn(id, type) for every field of the struct at the reader's position.
template <class F>
void ForFields(ThriftReader& r, F&& fn) {
  r.BeginStruct();
  int16_t id;
  uint8_t type;
  while (r.NextField(&id, &type)) fn(id, type);
  r.EndStruct();
}

// Calls fn(elem_type) once per element of a list field.
template <class F>
void ForList(ThriftReader& r, uint8_t type, F&& fn) {
  uint8_t et;
  uint32_t n = r.ReadListHeader(type, &et);
  for (uint32_t i = 0; i < n; ++i) fn(et);
}

int LogicalTypeId(ThriftReader& r) {
  int id_out = -1;
  ForFields(r, [&](int16_t id, uint8_t t) {
    id_out = id;  // a union: the one set member names the type
    r.Skip(t);
  });
  return id_out;
}

SchemaElement ParseSchemaElement(ThriftReader& r) {
  SchemaElement e;
  ForFields(r, [&](int16_t id, uint8_t t) {
    switch (id) {
      case 1: e.type = r.ReadI32(t); break;
      case 2: e.type_length = r.ReadI32(t); break;
      case 3: e.repetition = r.ReadI32(t); break;
      case 4: e.name = r.ReadBinary(t); break;
      case 5: e.num_children = r.ReadI32(t); break;
      case 6: e.converted_type = r.ReadI32(t); break;
      case 10: e.logical_type = LogicalTypeId(r); break;
      default: r.Skip(t);
    }
  });
  return e;
}

ColumnMeta ParseColumnMeta(ThriftReader& r) {
  ColumnMeta c;
  c.has_meta = true;
  ForFields(r, [&](int16_t id, uint8_t t) {
    switch (id) {
      case 1: c.type = r.ReadI32(t); break;
      case 3: ForList(r, t, [&](uint8_t et) { c.path.push_back(r.ReadBinary(et)); }); break;
      case 4: c.codec = r.ReadI32(t); break;
      case 5: c.num_values = r.ReadI64(t); break;
      case 7: c.total_compressed_size = r.ReadI64(t); break;
      case 9: c.data_page_offset = r.ReadI64(t); break;
      case 11: c.dictionary_page_offset = r.ReadI64(t); break;
      default: r.Skip(t);
    }
  });
  return c;
}

ColumnMeta ParseColumnChunk(ThriftReader& r) {
  ColumnMeta c;
  ForFields(r, [&](int16_t id, uint8_t t) {
    if (id == 1) {
      r.ReadBinary(t);
      Corrupt("column chunks in other files (file_path) are not supported");
    }
    if (id == 3 && t == kTStruct) c = ParseColumnMeta(r);
    else r.Skip(t);
  });
  return c;
}

RowGroupMeta ParseRowGroup(ThriftReader& r) {
  RowGroupMeta g;
  ForFields(r, [&](int16_t id, uint8_t t) {
    if (id == 1) ForList(r, t, [&](uint8_t) { g.columns.push_back(ParseColumnChunk(r)); });
    else if (id == 3) g.num_rows = r.ReadI64(t);
    else r.Skip(t);
  });
  return g;
}

}  // namespace

FileMeta ParseFileMeta(const uint8_t* data, size_t size) {
  ThriftReader r(data, size);
  FileMeta m;
  ForFields(r, [&](int16_t id, uint8_t t) {
    switch (id) {
      case 1: m.version = r.ReadI32(t); break;
      case 2: ForList(r, t, [&](uint8_t) { m.schema.push_back(ParseSchemaElement(r)); }); break;
      case 3: m.num_rows = r.ReadI64(t); break;
      case 4: ForList(r, t, [&](uint8_t) { m.row_groups.push_back(ParseRowGroup(r)); }); break;
      case 5:
        ForList(r, t, [&](uint8_t) {
          std::pair<std::string, std::string> kv;
          ForFields(r, [&](int16_t kid, uint8_t kt) {
            if (kid == 1) kv.first = r.ReadBinary(kt);
            else if (kid == 2) kv.second = r.ReadBinary(kt);
            else r.Skip(kt);
          });
          m.key_value.push_back(std::move(kv));
        });
        break;
      case 6: m.created_by = r.ReadBinary(t); break;
      default: r.Skip(t);
    }
  });
  return m;
}

PageHeader ParsePageHeader(const uint8_t* data, size_t size, size_t* header_size) {
  ThriftReader r(data, size);
  PageHeader h;
  ForFields(r, [&](int16_t id, uint8_t t) {
    switch (id) {
      case 1: h.type = r.ReadI32(t); break;
      case 2: h.uncompressed_size = r.ReadI32(t); break;
      case 3: h.compressed_size = r.ReadI32(t); break;
      case 5:  // DataPageHeader
        ForFields(r, [&](int16_t k, uint8_t kt) {
          if (k == 1) h.num_values = r.ReadI32(kt);
          else if (k == 2) h.encoding = r.ReadI32(kt);
          else if (k == 3) h.def_encoding = r.ReadI32(kt);
          else if (k == 4) h.rep_encoding = r.ReadI32(kt);
          else r.Skip(kt);
        });
        break;
      case 7:  // DictionaryPageHeader
        ForFields(r, [&](int16_t k, uint8_t kt) {
          if (k == 1) h.num_values = r.ReadI32(kt);
          else if (k == 2) h.encoding = r.ReadI32(kt);
          else r.Skip(kt);
        });
        break;
      case 8:  // DataPageHeaderV2
        ForFields(r, [&](int16_t k, uint8_t kt) {
          switch (k) {
            case 1: h.num_values = r.ReadI32(kt); break;
            case 2: h.num_nulls = r.ReadI32(kt); break;
            case 3: h.num_rows = r.ReadI32(kt); break;
            case 4: h.encoding = r.ReadI32(kt); break;
            case 5: h.def_bytes = r.ReadI32(kt); break;
            case 6: h.rep_bytes = r.ReadI32(kt); break;
            case 7: h.is_compressed = r.ReadBool(kt); break;
            default: r.Skip(kt);
          }
        });
        break;
      default: r.Skip(t);
    }
  });
  if (h.compressed_size < 0 || h.uncompressed_size < 0 || h.num_values < 0 || h.def_bytes < 0 || h.rep_bytes < 0)
    Corrupt("page header with a negative size or count");
  *header_size = r.Position();
  return h;
}

namespace {

bool IsAnnotated(const SchemaElement& e, int converted, int logical) {
  return e.converted_type == converted || e.logical_type == logical;
}

// Builds the subtree at elements[*next] under parent `parent`; returns its node index.
int BuildNode(const std::vector<SchemaElement>& els, size_t* next, int parent, int depth, Schema* s) {
  if (depth > 64) Corrupt("schema nested deeper than 64 levels");
  if (*next >= els.size()) Corrupt("schema: num_children points past the schema list");
  const SchemaElement& e = els[(*next)++];
  int idx = static_cast<int>(s->nodes.size());
  s->nodes.emplace_back();
  SchemaNode n;
  n.el = &e;
  n.parent = parent;
  if (e.repetition < kRequired || e.repetition > kRepeated) Corrupt("schema: bad repetition for '" + e.name + "'");
  if (parent >= 0) {
    const SchemaNode& p = s->nodes[parent];
    n.def_level = p.def_level + (e.repetition != kRequired ? 1 : 0);
    n.rep_level = p.rep_level + (e.repetition == kRepeated ? 1 : 0);
    n.path = p.path.empty() ? e.name : p.path + "." + e.name;
  }
  if (e.num_children < 0) Corrupt("schema: negative num_children");
  if (e.num_children == 0 && parent >= 0) {
    if (e.type < kBoolean || e.type > kFixedLenByteArray) Corrupt("schema: leaf '" + e.name + "' has no physical type");
    n.column = static_cast<int>(s->columns.size());
    s->columns.push_back(idx);
    n.leaves.push_back(n.column);
  }
  s->nodes[idx] = n;
  for (int i = 0; i < e.num_children; ++i) {
    int c = BuildNode(els, next, idx, depth + 1, s);
    s->nodes[idx].children.push_back(c);
    const auto& cl = s->nodes[c].leaves;
    s->nodes[idx].leaves.insert(s->nodes[idx].leaves.end(), cl.begin(), cl.end());
  }
  return idx;
}

// Presentation kinds, following parquet-format LogicalTypes.md (lists and maps,
// with its backward-compatibility rules for 2-level lists).
void AssignKinds(Schema* s) {
  for (size_t i = 1; i < s->nodes.size(); ++i) {
    SchemaNode& n = s->nodes[i];
    if (n.children.empty() || n.kind == NodeKind::kListWrapper) continue;
    n.kind = NodeKind::kStruct;
    if (IsAnnotated(*n.el, kConvList, kLogList) && n.children.size() == 1 &&
        s->nodes[n.children[0]].el->repetition == kRepeated) {
      n.kind = NodeKind::kList;
      SchemaNode& rep = s->nodes[n.children[0]];
      bool legacy = rep.children.size() != 1 || rep.el->name == "array" || rep.el->name == n.el->name + "_tuple";
      if (!rep.children.empty() && !legacy) rep.kind = NodeKind::kListWrapper;
    } else if ((IsAnnotated(*n.el, kConvMap, kLogMap) || n.el->converted_type == kConvMapKeyValue) &&
               n.children.size() == 1 && s->nodes[n.children[0]].el->repetition == kRepeated &&
               s->nodes[n.children[0]].children.size() == 2) {
      n.kind = NodeKind::kMap;
    }
  }
}

}  // namespace

Schema Schema::Build(const std::vector<SchemaElement>& elements) {
  Schema s;
  if (elements.empty()) Corrupt("empty schema");
  if (elements.size() > 100000) Corrupt("schema with more than 100000 elements");
  size_t next = 0;
  BuildNode(elements, &next, -1, 0, &s);
  if (next != elements.size()) Corrupt("schema: elements left after the root's children");
  if (s.nodes[0].children.empty()) Corrupt("schema: the root has no columns");
  AssignKinds(&s);
  return s;
}

}  // namespace upt::datasets::parquet
