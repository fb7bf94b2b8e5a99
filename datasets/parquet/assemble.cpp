#include "datasets/parquet/assemble.h"

#include "datasets/parquet/thrift.h"

namespace upt::datasets::parquet {
namespace {

class Assembler {
 public:
  Assembler(const Schema& s, std::vector<ColumnData>& cols) : s_(s), cols_(cols), pos_(cols.size(), 0), vpos_(cols.size(), 0) {}

  // A field's value: an array of occurrences when REPEATED, null when an
  // OPTIONAL field is undefined, else its content.
  Json Field(int node) {
    const SchemaNode& n = s_.nodes[node];
    int lead = n.leaves.front();
    if (n.el->repetition == kRequired) return Content(node);
    if (Def(lead) < n.def_level) {
      SkipUndefined(node);
      return n.el->repetition == kRepeated ? Json::array() : Json();
    }
    if (n.el->repetition == kOptional) return Content(node);
    Json arr = Json::array();
    do {
      arr.push_back(Content(node));
    } while (pos_[lead] < cols_[lead].entries && Rep(lead) == n.rep_level);
    return arr;
  }

  void CheckRowStart(int node, int64_t row) {
    for (int c : s_.nodes[node].leaves) {
      if (pos_[c] >= cols_[c].entries) Fail(c, "fewer values than rows (row " + std::to_string(row) + ")");
      if (Rep(c) != 0) Fail(c, "row " + std::to_string(row) + " does not start at repetition level 0");
    }
  }

  void CheckConsumed(int node) {
    for (int c : s_.nodes[node].leaves)
      if (pos_[c] != cols_[c].entries || vpos_[c] != cols_[c].values.size())
        Fail(c, "values left after the last row (levels and row count disagree)");
  }

 private:
  [[noreturn]] void Fail(int column, const std::string& what) {
    Corrupt("column '" + s_.nodes[s_.columns[column]].path + "': " + what);
  }

  int Def(int c) {
    if (pos_[c] >= cols_[c].entries) Fail(c, "levels end inside a row");
    return cols_[c].def.empty() ? 0 : cols_[c].def[pos_[c]];
  }
  int Rep(int c) const { return cols_[c].rep.empty() ? 0 : cols_[c].rep[pos_[c]]; }

  // An undefined optional/empty repeated node holds one entry in each of its leaves.
  void SkipUndefined(int node) {
    const SchemaNode& n = s_.nodes[node];
    for (int c : n.leaves) {
      if (Def(c) >= n.def_level) Fail(c, "definition levels of sibling columns disagree");
      ++pos_[c];
    }
  }

  Json Leaf(int c) {
    const SchemaNode& n = s_.nodes[s_.columns[c]];
    if (Def(c) != n.def_level) Fail(c, "definition level below the leaf's where the value is required");
    if (vpos_[c] >= cols_[c].values.size()) Fail(c, "fewer values than definition levels announce");
    ++pos_[c];
    return std::move(cols_[c].values[vpos_[c]++]);
  }

  Json Content(int node) {
    const SchemaNode& n = s_.nodes[node];
    switch (n.kind) {
      case NodeKind::kLeaf: return Leaf(n.column);
      case NodeKind::kListWrapper: return Field(n.children[0]);
      case NodeKind::kList: return Field(n.children[0]);
      case NodeKind::kMap: {
        Json pairs = Field(n.children[0]);
        const SchemaNode& kv = s_.nodes[n.children[0]];
        const std::string& kname = s_.nodes[kv.children[0]].el->name;
        const std::string& vname = s_.nodes[kv.children[1]].el->name;
        Json obj = Json::object();
        for (auto& p : pairs) {
          const Json& k = p[kname];
          obj[k.is_string() ? k.get<std::string>() : k.dump()] = std::move(p[vname]);
        }
        return obj;
      }
      case NodeKind::kStruct: {
        Json obj = Json::object();
        for (int c : n.children) obj[s_.nodes[c].el->name] = Field(c);
        return obj;
      }
    }
    return Json();
  }

  const Schema& s_;
  std::vector<ColumnData>& cols_;
  std::vector<size_t> pos_, vpos_;
};

}  // namespace

std::vector<Json> AssembleRows(const Schema& schema, const std::vector<int>& top_nodes,
                               std::vector<ColumnData>& cols, int64_t num_rows) {
  Assembler a(schema, cols);
  std::vector<Json> rows;
  rows.reserve(static_cast<size_t>(num_rows));
  for (int64_t r = 0; r < num_rows; ++r) {
    Json row = Json::object();
    for (int node : top_nodes) {
      a.CheckRowStart(node, r);
      row[schema.nodes[node].el->name] = a.Field(node);
    }
    rows.push_back(std::move(row));
  }
  for (int node : top_nodes) a.CheckConsumed(node);
  return rows;
}

}  // namespace upt::datasets::parquet
