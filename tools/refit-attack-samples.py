#!/usr/bin/env python3
"""Refits the combined presentation check on a subset of its cues from the samples CSV of
`edgegate eval --attacks --attack-samples FILE`, the way PresentationCheckFitting.Fit does
(fitting identities only, centres and scales over all their presentations with a face, one
class-balanced L2 logistic model per species by Newton's method, threshold at 3% BPCER of the
fitting bona fide presentations), and prints the held-out and fitting figures as EvalAttacks
counts them (a presentation whose face was not found is not accepted).

usage: refit-attack-samples.py SAMPLES.csv all|luma|six L2 [WEIGHTS.json]
  all: the six scalar cues and the 30 colour-texture bins (what `refit` fits)
  luma: the six scalar cues and lbp_y_* (chroma bins weighted zero)
  six: the six scalar cues
Reproduces `refit` (all, L2 5) to the CSV's rounding. No choice is made here from held-out rows.
"""
import csv, math, sys, json
rows=list(csv.DictReader(open(sys.argv[1])))
mode=sys.argv[2]; l2=float(sys.argv[3])
cols=list(rows[0].keys())
cues=cols[cols.index('saturation'):cols.index('check_score')]
assert len(cues)==36
if mode=='all': use=list(range(36))
elif mode=='luma': use=list(range(6))+[i for i,c in enumerate(cues) if c.startswith('lbp_y')]
elif mode=='six': use=list(range(6))
def logit(p):
    p=min(max(p,1e-4),1-1e-4); return math.log(p/(1-p))
S=[]
for r in rows:
    S.append(dict(kind=r['kind'],held=r['held_out']=='1',found=r['face_found']=='1',live=float(r['liveness']),cues=[float(r[c]) for c in cues],score_csv=float(r['check_score'])))
fit=[s for s in S if not s['held'] and s['found']]
n=len(fit)
cen=[sum(s['cues'][i] for s in fit)/n for i in range(36)]
sc=[max(1e-6,math.sqrt(max(0,sum(s['cues'][i]**2 for s in fit)/n-cen[i]**2))) for i in range(36)]
def feats(s): return [logit(s['live'])]+[(s['cues'][i]-cen[i])/sc[i] for i in use]
def solve(A,b):
    m=len(b); M=[A[i][:]+[b[i]] for i in range(m)]
    for c in range(m):
        p=max(range(c,m),key=lambda r:abs(M[r][c])); M[c],M[p]=M[p],M[c]
        for r in range(c+1,m):
            f=M[r][c]/M[c][c]
            if f:
                Mr=M[r];Mc=M[c]
                for k in range(c,m+1): Mr[k]-=f*Mc[k]
    x=[0]*m
    for r in range(m-1,-1,-1): x[r]=(M[r][m]-sum(M[r][k]*x[k] for k in range(r+1,m)))/M[r][r]
    return x
def lr(X,y):
    d=len(X[0])+1; pos=sum(y); pw=len(X)/(2*pos); nw=len(X)/(2*(len(X)-pos)); w=[0.0]*d
    for it in range(50):
        g=[0.0]*d; H=[[0.0]*d for _ in range(d)]
        for x,yy in zip(X,y):
            row=[1.0]+x; z=sum(a*b for a,b in zip(w,row)); p=1/(1+math.exp(-z))
            sw=pw if yy else nw; e=(p-(1 if yy else 0))*sw; cu=max(p*(1-p),1e-9)*sw
            for a in range(d):
                g[a]+=e*row[a]; ra=cu*row[a]; Ha=H[a]
                for b in range(d): Ha[b]+=ra*row[b]
        for a in range(1,d): g[a]+=l2*w[a]; H[a][a]+=l2
        st=solve(H,g); ch=0
        for a in range(d): w[a]-=st[a]; ch=max(ch,abs(st[a]))
        if ch<1e-9: break
    return w
models={}
for k in ['print','screen','cutout']:
    pair=[s for s in fit if s['kind'] in (k,'bona_fide')]
    models[k]=lr([feats(s) for s in pair],[s['kind']=='bona_fide' for s in pair])
def score(s):
    f=feats(s); return min(1/(1+math.exp(-(w[0]+sum(a*b for a,b in zip(w[1:],f))))) for w in models.values())
bf=sorted(score(s) for s in fit if s['kind']=='bona_fide')
thr=bf[min(len(bf)-1,int(math.floor(0.03*len(bf))))]
def rates(held):
    out={}
    for k in ['print','screen','cutout']:
        of=[s for s in S if s['held']==held and s['kind']==k]
        out[k]=sum(1 for s in of if s['found'] and score(s)>=thr)/len(of)
    b=[s for s in S if s['held']==held and s['kind']=='bona_fide' and s['found']]
    out['max']=max(out[k] for k in ['print','screen','cutout']); out['bpcer']=sum(1 for s in b if score(s)<thr)/len(b)
    return out
f=lambda d:' '.join(f"{k} {v:.3f}" for k,v in d.items())
print(mode,'l2',l2,'thr %.6f'%thr); print(' held-out',f(rates(True))); print(' fitting ',f(rates(False)))
# full weights in 36-cue layout
full={}
for k,w in models.items():
    c=[0.0]*36
    for j,i in enumerate(use): c[i]=w[2+j]
    full[k]=dict(bias=w[0],liveness=w[1],cues=c)
if len(sys.argv)>4: json.dump(dict(mode=mode,l2=l2,threshold=thr,species=full,centres=cen,scales=sc),open(sys.argv[4],'w'))
