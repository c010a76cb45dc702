// Package join lets a machine become a node without ever holding the admin credential.
//
// The server keeps a join token in <server-data-dir>/token, of the form
// "K10<sha256 of the CA certificate DER, hex>::server:<secret>" (as k3s). Its Handler serves
// GET /cacerts (the cluster CA, anonymous) and POST /skiff/v1/join (Bearer token): it trades
// the token for a client certificate CN=system:node:<name>, O=system:nodes and a kubelet
// serving certificate, both signed by the cluster CA. Bootstrap is the agent side: it pins the
// CA by the hash in the token, joins, and writes the node's kubeconfig and certificates under
// the agent data dir, reusing them on later starts while they are valid.
package join
