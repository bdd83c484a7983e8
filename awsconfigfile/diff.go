package awsconfigfile

import (
	"fmt"
	"strings"
)

// contextLines is how many unchanged lines a hunk shows around a change,
// as `diff -u` does.
const contextLines = 3

// maxEditDistance bounds the search for a shortest edit script. Past it (two
// unrelated blocks of thousands of profiles) the changed region is shown as
// deleted then inserted whole: still a correct diff, only not the shortest,
// and it keeps time and memory bounded.
const maxEditDistance = 2000

// Unified is a unified diff from old to new, in the format of `diff -u`
// (lines compared with their line endings; a last line without a newline is
// flagged "\ No newline at end of file"). Equal inputs give "".
func Unified(oldName, newName string, old, new []byte) string {
	a, b := splitLines(old), splitLines(new)
	ops := editScript(a, b)
	hunks := groupHunks(ops)
	if len(hunks) == 0 {
		return ""
	}
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	for _, h := range hunks {
		writeHunk(&out, a, b, ops[h[0]:h[1]])
	}
	return out.String()
}

// edit is one step of an edit script: keep a[ai] (== b[bi]), delete a[ai]
// or insert b[bi].
type edit struct {
	kind   byte // ' ', '-', '+'
	ai, bi int
}

// editScript is an edit script from a to b: patience diff (lines that
// occur once on each side anchor the script, so a profile that arrives
// before another shows as inserted whole rather than as the other one
// rewritten), with Myers' shortest edit script between the anchors.
func editScript(a, b []string) []edit {
	var ops []edit
	diffRange(a, b, 0, 0, &ops)
	return ops
}

func diffRange(a, b []string, aOff, bOff int, ops *[]edit) {
	// Anchors first, counted over the whole range: trimming the common
	// ends first would take a profile's last line away from it.
	if anchors := uniqueCommon(a, b); len(anchors) > 0 {
		ai, bi := 0, 0
		for _, an := range anchors {
			diffRange(a[ai:an[0]], b[bi:an[1]], aOff+ai, bOff+bi, ops)
			*ops = append(*ops, edit{' ', aOff + an[0], bOff + an[1]})
			ai, bi = an[0]+1, an[1]+1
		}
		diffRange(a[ai:], b[bi:], aOff+ai, bOff+bi, ops)
		return
	}
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		*ops = append(*ops, edit{' ', aOff + pre, bOff + pre})
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	mid, ok := myers(ma, mb)
	if !ok {
		mid = mid[:0]
		for i := range ma {
			mid = append(mid, edit{'-', i, 0})
		}
		for j := range mb {
			mid = append(mid, edit{'+', len(ma), j})
		}
	}
	for _, e := range mid {
		*ops = append(*ops, edit{e.kind, e.ai + aOff + pre, e.bi + bOff + pre})
	}
	for i := 0; i < suf; i++ {
		*ops = append(*ops, edit{' ', aOff + pre + len(ma) + i, bOff + pre + len(mb) + i})
	}
}

// uniqueCommon returns, as (index in a, index in b) pairs in order, the
// longest chain of lines that occur exactly once in a and once in b.
func uniqueCommon(a, b []string) [][2]int {
	count := map[string][2]int{} // occurrences in a, in b
	at := map[string][2]int{}
	for i, l := range a {
		c := count[l]
		c[0]++
		count[l] = c
		p := at[l]
		p[0] = i
		at[l] = p
	}
	for j, l := range b {
		c := count[l]
		c[1]++
		count[l] = c
		p := at[l]
		p[1] = j
		at[l] = p
	}
	// Pairs in a's order; the longest chain increasing in b (patience
	// sorting) keeps them in order on both sides.
	var pairs [][2]int
	for i, l := range a {
		if c := count[l]; c[0] == 1 && c[1] == 1 {
			pairs = append(pairs, [2]int{i, at[l][1]})
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	var tops []int                  // index into pairs of the top card of each pile
	back := make([]int, len(pairs)) // previous card in the chain
	for k, p := range pairs {
		lo, hi := 0, len(tops)
		for lo < hi {
			mid := (lo + hi) / 2
			if pairs[tops[mid]][1] < p[1] {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		back[k] = -1
		if lo > 0 {
			back[k] = tops[lo-1]
		}
		if lo == len(tops) {
			tops = append(tops, k)
		} else {
			tops[lo] = k
		}
	}
	chain := make([][2]int, len(tops))
	for k, i := tops[len(tops)-1], len(tops)-1; k >= 0; k, i = back[k], i-1 {
		chain[i] = pairs[k]
	}
	return chain
}

// myers finds a shortest edit script, or reports false past
// maxEditDistance.
func myers(a, b []string) ([]edit, bool) {
	n, m := len(a), len(b)
	// trace[d][k+d] is the furthest x on diagonal k after d edits.
	var trace [][]int
	prev := []int{0}
	for d := 0; d <= n+m; d++ {
		if d > maxEditDistance {
			return nil, false
		}
		v := make([]int, 2*d+1)
		for k := -d; k <= d; k += 2 {
			var x int
			switch {
			case d == 0:
				x = 0
			case k == -d || (k != d && prev[k-1+d-1] < prev[k+1+d-1]):
				x = prev[k+1+d-1] // down: insert b[y]
			default:
				x = prev[k-1+d-1] + 1 // right: delete a[x]
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[k+d] = x
			if x >= n && y >= m {
				trace = append(trace, v)
				return backtrack(trace, n, m), true
			}
		}
		trace = append(trace, v)
		prev = v
	}
	return nil, false
}

func backtrack(trace [][]int, n, m int) []edit {
	var rev []edit
	x, y := n, m
	for d := len(trace) - 1; d > 0; d-- {
		prev := trace[d-1]
		k := x - y
		var pk int
		if k == -d || (k != d && prev[k-1+d-1] < prev[k+1+d-1]) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := prev[pk+d-1]
		py := px - pk
		// The snake after the move, walked backwards.
		sx, sy := px, py+1 // after an insertion
		if pk == k-1 {
			sx, sy = px+1, py // after a deletion
		}
		for x > sx && y > sy {
			x--
			y--
			rev = append(rev, edit{' ', x, y})
		}
		if pk == k+1 {
			rev = append(rev, edit{'+', px, py})
		} else {
			rev = append(rev, edit{'-', px, py})
		}
		x, y = px, py
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, edit{' ', x, y})
	}
	out := make([]edit, len(rev))
	for i, e := range rev {
		out[len(rev)-1-i] = e
	}
	return out
}

// groupHunks returns [start, end) ranges of ops, each a hunk: changes with
// contextLines of unchanged lines around them, merged when no more than
// 2*contextLines unchanged lines separate two changes.
func groupHunks(ops []edit) [][2]int {
	var changes []int
	for i, e := range ops {
		if e.kind != ' ' {
			changes = append(changes, i)
		}
	}
	var hunks [][2]int
	for i := 0; i < len(changes); {
		start, end := max(changes[i]-contextLines, 0), changes[i]+1
		i++
		for i < len(changes) && changes[i]-end <= 2*contextLines {
			end = changes[i] + 1
			i++
		}
		hunks = append(hunks, [2]int{start, min(end+contextLines, len(ops))})
	}
	return hunks
}

func writeHunk(out *strings.Builder, a, b []string, ops []edit) {
	aStart, bStart := ops[0].ai, ops[0].bi
	var aLen, bLen int
	for _, e := range ops {
		if e.kind != '+' {
			aLen++
		}
		if e.kind != '-' {
			bLen++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
	for _, e := range ops {
		var line string
		if e.kind == '+' {
			line = b[e.bi]
		} else {
			line = a[e.ai]
		}
		out.WriteByte(e.kind)
		out.WriteString(lineText(line))
		out.WriteByte('\n')
		if lineEOL(line) == "" {
			out.WriteString("\\ No newline at end of file\n")
		}
	}
}

// hunkRange is a hunk header's range as diff writes it: "start,len", just
// "start" for one line, and the line before for an empty range.
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprint(start + 1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}
