package kiosk

import (
	"net"
	"os"
	"strings"
)

// KnownHosts are the host[:port] values residents' screens and phones may
// reach a server listening on addr by: that address, or every address of
// the machine when it listens on all of them, then the machine's name and
// localhost. Port 80 is also known without it, as browsers send it.
func KnownHosts(addr string) []string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil
	}
	var ips []string
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		if as, err := net.InterfaceAddrs(); err == nil {
			var loop []string
			for _, a := range as {
				n, ok := a.(*net.IPNet)
				if !ok || n.IP.IsLinkLocalUnicast() {
					continue
				}
				if n.IP.IsLoopback() {
					loop = append(loop, n.IP.String())
				} else {
					ips = append(ips, n.IP.String())
				}
			}
			ips = append(ips, loop...)
		}
	} else {
		ips = append(ips, host)
	}
	if name, err := os.Hostname(); err == nil && name != "" {
		ips = append(ips, name)
	}
	ips = append(ips, "localhost")
	var out []string
	seen := map[string]bool{}
	for _, h := range ips {
		hp := net.JoinHostPort(h, port)
		forms := []string{hp}
		if port == "80" {
			forms = append(forms, strings.Trim(net.JoinHostPort(h, ""), ":"))
		}
		for _, f := range forms {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}
