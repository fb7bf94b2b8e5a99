// Record assembly (Dremel, Melnik et al. 2010, §4.3): rebuilds nested rows from
// the leaf columns' repetition/definition levels, presenting LIST groups as
// arrays, MAP groups as objects and other groups as objects of their fields.
#pragma once

#include <vector>

#include "core/json.h"
#include "datasets/parquet/column.h"
#include "datasets/parquet/metadata.h"

namespace upt::datasets::parquet {

// The rows of one row group as JSON objects holding the top-level fields
// `top_nodes` (indices into schema.nodes). cols[c] must be decoded for every
// column c under those nodes; values are moved out of it. Throws FormatError
// naming the column when levels and values disagree.
std::vector<Json> AssembleRows(const Schema& schema, const std::vector<int>& top_nodes,
                               std::vector<ColumnData>& cols, int64_t num_rows);

}  // namespace upt::datasets::parquet
