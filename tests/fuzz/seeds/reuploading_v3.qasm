OPENQASM 3.0;
include "stdgates.inc";
input float[64] x0;
input float[64] x1;
input float[64] w0;
input float[64] w1;
gate layer(a, b) p, q { ry(a) p; rz(b) q; cx p, q; }
qubit[2] q;
bit[2] c;
layer(0.5*x0 + 0.1, x1) q[0], q[1];
rx(w0) q[0];
crz(w1) q[1], q[0];
u3(pi/2, -pi/4, sin(0.3)) q[1];
barrier q;
c = measure q;
