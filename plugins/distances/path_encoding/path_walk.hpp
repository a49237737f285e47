// The input-to-output paths of a cell's DAG (nas-ir/1): from any input node along edges to
// the output, which is the last node, or every computed node when the cell concatenates them.
#ifndef NAS_PLUGINS_DISTANCES_PATH_ENCODING_PATH_WALK_HPP
#define NAS_PLUGINS_DISTANCES_PATH_ENCODING_PATH_WALK_HPP

#include <vector>

namespace nas::distances {

namespace detail {

template <class Edge, class Visit> struct PathWalk {
  const std::vector<Edge> &edges;
  std::vector<std::vector<int>> out; // edge indices leaving each node
  int last;
  bool concat;
  Visit &visit;
  std::vector<int> path;

  void extend(int input, int node) {
    for (int e : out[static_cast<size_t>(node)]) {
      path.push_back(e);
      const int to = edges[static_cast<size_t>(e)].to;
      if (concat || to == last)
        visit(input, static_cast<const std::vector<int> &>(path));
      extend(input, to);
      path.pop_back();
    }
  }
};

} // namespace detail

// Calls visit(input, edge_indices) once per path, edge indices in path order. `Edge` has
// `from` and `to` with from < to (as the IR guarantees).
template <class Edge, class Visit>
void walk_paths(int inputs, int nodes, bool concat, const std::vector<Edge> &edges, Visit &&visit) {
  detail::PathWalk<Edge, Visit> walk{
      edges, std::vector<std::vector<int>>(nodes), nodes - 1, concat, visit, {}};
  for (size_t i = 0; i < edges.size(); ++i)
    walk.out[static_cast<size_t>(edges[i].from)].push_back(static_cast<int>(i));
  for (int input = 0; input < inputs; ++input)
    walk.extend(input, input);
}

} // namespace nas::distances

#endif
