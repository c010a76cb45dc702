package main

import (
	"io"
	"log"
	"net"
)

// serveEcho copies every TCP connection on addr back to itself.
func serveEcho(addr string) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		log.Printf("echo: %v", err)
		return
	}
	log.Printf("tcp echo listening on %s", addr)
	for {
		c, err := lis.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			io.Copy(c, c)
		}()
	}
}
