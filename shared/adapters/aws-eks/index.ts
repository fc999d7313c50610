export * from './eks-cluster-directory.js';
