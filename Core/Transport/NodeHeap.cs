namespace MeanField.Core.Transport;

/// <summary>
/// A binary min-heap of node ids keyed by their tentative distances, with decrease-key: each node
/// is in the heap at most once, so a Dijkstra search does one sift per improvement rather than
/// queueing stale duplicates. The caller tracks which nodes are in it (see
/// <see cref="CandidateNetwork"/>'s epoch stamps); <see cref="Clear"/> is O(1).
/// </summary>
internal sealed class NodeHeap
{
    private readonly int[] _nodes;
    private readonly double[] _keys;
    private readonly int[] _position;
    private int _count;

    public NodeHeap(int capacity)
    {
        _nodes = new int[capacity];
        _keys = new double[capacity];
        _position = new int[capacity];
    }

    public int Count => _count;

    public void Clear() => _count = 0;

    /// <summary>Adds a node that is not in the heap.</summary>
    public void Insert(int node, double key)
    {
        int slot = _count++;
        SiftUp(slot, node, key);
    }

    /// <summary>Lowers the key of a node that is in the heap.</summary>
    public void Decrease(int node, double key) => SiftUp(_position[node], node, key);

    /// <summary>Removes and returns the node with the smallest key.</summary>
    public int Pop(out double key)
    {
        int top = _nodes[0];
        key = _keys[0];
        int last = --_count;
        if (last > 0) SiftDown(_nodes[last], _keys[last], last);
        return top;
    }

    private void SiftUp(int slot, int node, double key)
    {
        while (slot > 0)
        {
            int parent = (slot - 1) >> 1;
            if (_keys[parent] <= key) break;
            Place(slot, _nodes[parent], _keys[parent]);
            slot = parent;
        }

        Place(slot, node, key);
    }

    private void SiftDown(int node, double key, int count)
    {
        int slot = 0;
        while (true)
        {
            int child = 2 * slot + 1;
            if (child >= count) break;
            if (child + 1 < count && _keys[child + 1] < _keys[child]) child++;
            if (_keys[child] >= key) break;
            Place(slot, _nodes[child], _keys[child]);
            slot = child;
        }

        Place(slot, node, key);
    }

    private void Place(int slot, int node, double key)
    {
        _nodes[slot] = node;
        _keys[slot] = key;
        _position[node] = slot;
    }
}
