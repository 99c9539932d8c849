package catalog

import "strings"

// ValidCreditCode tells whether s is an 18-character 统一社会信用代码 with a
// valid GB 32100 check character.
func ValidCreditCode(s string) bool {
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	weights := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(chars, s[i])
		if v < 0 {
			return false
		}
		sum += v * weights[i]
	}
	c := (31 - sum%31) % 31
	return s[17] == chars[c]
}
