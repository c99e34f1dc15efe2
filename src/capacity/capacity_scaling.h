/*-------------------------------------------------------------------------
 *
 * capacity_scaling.h
 *	  The auto scaling worker of provisioned capacity (capacity_scaling.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_CAPACITY_SCALING_H
#define DYNAMO_CAPACITY_SCALING_H

/* define the dynamo.autoscaling* settings; register the worker when preloaded */
extern void capacity_scaling_init(void);

#endif							/* DYNAMO_CAPACITY_SCALING_H */
